import Foundation
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The QR encoder is checked by decoding its output with a real scanner (zbarimg, from Debian's
/// zbar-tools, which scripts/install-deps installs).
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/zbarimg"), "needs zbar-tools"))
struct QRCodeTests {
    /// Writes the symbol as a plain PBM image, 4 pixels per module with the quiet zone, and decodes it.
    private func decode(_ code: QRCode) async throws -> String {
        let directory = try TemporaryDirectory()
        let scale = 4
        let side = (code.size + 8) * scale
        var rows: [String] = []
        for py in 0..<side {
            let y = py / scale - 4
            rows.append(
                (0..<side).map { px -> String in
                    let x = px / scale - 4
                    return (0..<code.size).contains(x) && (0..<code.size).contains(y) && code.modules[y][x] ? "1" : "0"
                }.joined(separator: " "))
        }
        let file = directory.path + "/code.pbm"
        try ("P1\n\(side) \(side)\n" + rows.joined(separator: "\n") + "\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let result = try await LabBoxProcess.run(["--raw", "-q", file], binary: "/usr/bin/zbarimg")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test(arguments: [
        "LabBox",
        "otpauth://totp/LabBox:dana.director@lab.example?secret=OV3FUNTNMNRDMZJTGZJWE53UGI2WUSSY&issuer=LabBox",
        String(repeating: "0123456789abcdef", count: 13),
    ])
    func scannerReadsBackTheText(text: String) async throws {
        let code = try QRCode(text: text)
        #expect(try await decode(code) == text)
    }

    @Test func refusesTextBeyondVersion10() {
        #expect(throws: QRCode.EncodingError.self) { try QRCode(text: String(repeating: "x", count: 300)) }
    }

    @Test func svgDrawsExactlyTheDarkModules() throws {
        let code = try QRCode(text: "LBX-S0001234")
        var drawn: Set<[Int]> = []
        // Each run of dark modules in a row is one rectangle, `M<x>,<y>h<n>v1h-<n>z`, quiet zone included.
        for match in code.svg.matches(of: /M(\d+),(\d+)h(\d+)v1h-(\d+)z/) {
            let (x, y, width) = (Int(match.1)! - 4, Int(match.2)! - 4, Int(match.3)!)
            #expect(match.4 == match.3)
            for column in x..<x + width { #expect(drawn.insert([column, y]).inserted) }
        }
        let dark = (0..<code.size).flatMap { y in (0..<code.size).filter { code.modules[y][$0] }.map { [$0, y] } }
        #expect(drawn == Set(dark))
    }

    @Test func svgHasTheQuietZoneAndNoScript() throws {
        let svg = try QRCode(text: "LabBox").svg
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 29 29\""))
        #expect(!svg.contains("<script"))
    }
}
