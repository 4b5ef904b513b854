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
