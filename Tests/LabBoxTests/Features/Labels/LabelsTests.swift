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

    /// A selection larger than a sheet is printed a sheet at a time, in the list's order, keeping
    /// the filters and the label stock; the ZPL file still carries the whole selection.
    @Test func aLargeSelectionIsPrintedASheetAtATime() async throws {
        let server = try TestServer()
        try await addSamples(server, LabelsController.sheetSize + 3, prefix: "SHEET")
        let session = try await server.signIn(.technician)
        let key = try await server.apiKey(["samples:read"])
        try await server.test { client in
            let first = try await client.send(.get, "/samples/labels?species=bovine&size=straw", session: session).text
            #expect(first.components(separatedBy: "class=\"label\"").count == LabelsController.sheetSize + 1)
            #expect(first.contains("Print \(LabelsController.sheetSize) labels") && first.contains("SHEET-0<"))
            let next = try #require(
                first.firstMatch(of: /href="(\/samples\/labels\?[^"]*cursor=[^"]*)"/).map { String($0.1) })
            #expect(next.contains("species=bovine") && next.contains("size=straw"))
            let second = try await client.send(
                .get, next.replacingOccurrences(of: "&amp;", with: "&"), session: session
            ).text
            #expect(second.components(separatedBy: "class=\"label\"").count == 4)
            #expect(second.contains("SHEET-\(LabelsController.sheetSize + 2)<") && !second.contains("SHEET-0<"))
            #expect(second.contains("First sheet") && !second.contains("Next sheet"))
            let zpl = try await client.send(.get, "/api/v1/samples/labels.zpl?species=bovine", auth: key)
            #expect(zpl.text.components(separatedBy: "^XA").count == LabelsController.sheetSize + 4)
        }
    }
}
