import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Labels
import Testing

@Suite struct LabelsTests {
    /// Code 128 checked by a real scanner: the bars as a PBM image, decoded by zbarimg.
    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/zbarimg"), "needs zbar-tools"),
        arguments: ["LB-0000042", "BULL-0042-S1", "straw #7 (T3/C2/G1)"])
    func scannerReadsCode128(text: String) throws {
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
        let result = try LabBoxProcess.run(["--raw", "-q", file], binary: "/usr/bin/zbarimg")
        #expect(result.stdout.trimmingCharacters(in: .newlines) == text)
        #expect(code.length == 11 * (text.count + 2) + 13)
    }

    @Test func code128RefusesWhatCodeSetBCannotCarry() {
        #expect(throws: Code128.EncodingError.self) { try Code128("Zürich") }
    }

    @Test func zplCannotBeInjectedThroughData() {
        let label = Label(code: "A^XZ~JA_1", lines: ["Zürich ^FO0,0"])
        let zpl = label.zpl(size: .sheet)
        #expect(zpl.hasPrefix("^XA") && zpl.hasSuffix("^XZ\n"))
        #expect(zpl.components(separatedBy: "^XZ").count == 2)  // only the real end
        #expect(zpl.contains("A_5EXZ_7EJA_5F1"))
        #expect(zpl.contains("Z_C3_BCrich _5EFO0,0"))
    }

    @Test func sampleLabelSheetAndZPLFollowTheListFilters() async throws {
        let server = try TestServer()
        let key = try await server.apiKey(["samples:read", "samples:write"])
        let session = try await server.signIn(.technician)
        try await server.test { client in
            for index in 0..<3 {
                _ = try await client.send(
                    .post, "/api/v1/samples", auth: key,
                    json: TestServer.sampleBody("LBL-\(index)", species: index == 2 ? "equine" : "bovine"))
            }
            let sheet = try await client.execute(
                uri: "/samples/labels?species=bovine&size=straw", method: .get, headers: session.headers)
            #expect(sheet.status == .ok)
            #expect(sheet.text.components(separatedBy: "class=\"label\"").count == 3)
            #expect(sheet.text.contains("labels-straw") && sheet.text.contains("aria-label=\"Barcode\""))
            let zpl = try await client.send(.get, "/api/v1/samples/labels.zpl?species=bovine&size=tube", auth: key)
            #expect(zpl.headers[.contentType]?.hasPrefix("application/zpl") == true)
            #expect(zpl.text.components(separatedBy: "^XA").count == 3)
            #expect(zpl.text.contains("^BQN"))
        }
    }
}
