import Foundation
import LabBoxValues
import Testing

@Suite struct Code128Tests {
    /// Code 128 checked by a real scanner: the bars as a PBM image, decoded by zbarimg.
    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/zbarimg"), "needs zbar-tools"),
        arguments: ["LB-0000042", "BULL-0042-S1", "straw #7 (T3/C2/G1)"])
    func scannerReadsCode128(text: String) async throws {
        let code = try Code128(text)
        let scale = 3
        let modules = code.widths.enumerated().flatMap { index, width in
            Array(repeating: index % 2 == 0 ? "1" : "0", count: width)
        }
        let row = (Array(repeating: "0", count: 10) + modules + Array(repeating: "0", count: 10))
            .flatMap { Array(repeating: $0, count: scale) }
        let directory = try TemporaryDirectory()
        let file = directory.path + "/code.pbm"
        let lines = Array(repeating: row.joined(separator: " "), count: 60)
        try ("P1\n\(row.count) 60\n" + lines.joined(separator: "\n") + "\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let result = try await LabBoxProcess.run(["--raw", "-q", file], binary: "/usr/bin/zbarimg")
        #expect(result.stdout.trimmingCharacters(in: .newlines) == text)
        #expect(code.length == 11 * (text.count + 2) + 13)
    }

    @Test func code128RefusesWhatCodeSetBCannotCarry() {
        #expect(throws: Code128.EncodingError.self) { try Code128("Zürich") }
    }
}
