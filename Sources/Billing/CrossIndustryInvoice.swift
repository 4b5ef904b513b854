import Foundation
import LabBoxValues

/// An issued invoice or credit note as an EN 16931 e-invoice in UN/CEFACT CII syntax (the
/// Factur-X / ZUGFeRD EN 16931 profile, which XRechnung's CII flavour also reads). Pure: the
/// document in, the XML out; the terms are those the invoice froze when it was issued.
package enum CrossIndustryInvoice {
    static let guideline = "urn:cen.eu:en16931:2017"

    /// Why an export is refused: the model needs each party's country, and neither has one.
    package struct NoCountry: Error {}

    package static func xml(_ document: InvoiceDocument) throws -> String {
        let invoice = document.invoice
        let sellerCountry = country(invoice.sellerAddress, vatId: invoice.sellerVatId)
        let buyerCountry = country(invoice.buyerAddress, vatId: invoice.buyerVatId)
        // A domestic sale is the usual case: a party without a country is taken to share the other's.
        guard let seller = sellerCountry ?? buyerCountry else { throw NoCountry() }
        let currency = Currency(invoice.currency) ?? .euro
        // A credit note is stored with negative amounts; type 381 states them positive.
        let sign: Int64 = invoice.kind == .creditNote ? -1 : 1
        let items: [XMLTree?] = document.lines.map { line($0, sign: sign, currency: currency) }
        let transaction: [XMLTree?] =
            items + [
                agreement(invoice, seller: seller, buyer: buyerCountry ?? seller),
                XMLTree("ram:ApplicableHeaderTradeDelivery", []),
                settlement(document, sign: sign, currency: currency),
            ]
        let root = XMLTree(
            "rsm:CrossIndustryInvoice",
            attributes: [
                ("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"),
                ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
                ("xmlns:ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"),
                ("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"),
            ],
            [
                XMLTree(
                    "rsm:ExchangedDocumentContext",
                    [XMLTree("ram:GuidelineSpecifiedDocumentContextParameter", [XMLTree("ram:ID", text: guideline)])]),
                header(invoice),
                XMLTree("rsm:SupplyChainTradeTransaction", transaction),
            ])
        return root.document
    }

    /// BT-1, BT-3, BT-2 and, on a credit note, its reason (BT-22).
    private static func header(_ invoice: Invoice) -> XMLTree {
        let note: XMLTree? =
            invoice.reason.isEmpty ? nil : XMLTree("ram:IncludedNote", [XMLTree("ram:Content", text: invoice.reason)])
        return XMLTree(
            "rsm:ExchangedDocument",
            [
                XMLTree("ram:ID", text: invoice.number ?? ""),
                XMLTree("ram:TypeCode", text: String(invoice.kind.typeCode)),
                date("ram:IssueDateTime", invoice.issueDate),
                note,
            ])
    }

    /// The parties and the buyer's purchase order (BT-13).
    private static func agreement(_ invoice: Invoice, seller: String, buyer: String) -> XMLTree {
        let order: XMLTree? =
            invoice.purchaseOrder.isEmpty
            ? nil
            : XMLTree(
                "ram:BuyerOrderReferencedDocument", [XMLTree("ram:IssuerAssignedID", text: invoice.purchaseOrder)])
        return XMLTree(
            "ram:ApplicableHeaderTradeAgreement",
            [
                party("ram:SellerTradeParty", invoice.sellerName, invoice.sellerAddress, seller, invoice.sellerVatId),
                party("ram:BuyerTradeParty", invoice.buyerName, invoice.buyerAddress, buyer, invoice.buyerVatId),
                order,
            ])
    }

    /// Payment, VAT breakdown, due date, totals and the corrected invoice (BT-25).
    private static func settlement(_ document: InvoiceDocument, sign: Int64, currency: Currency) -> XMLTree {
        let invoice = document.invoice
        let amount = { (minor: Int64) in Self.amount(sign * minor, currency) }
        let totals = XMLTree(
            "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
            [
                XMLTree("ram:LineTotalAmount", text: amount(invoice.netMinor)),
                XMLTree("ram:TaxBasisTotalAmount", text: amount(invoice.netMinor)),
                XMLTree(
                    "ram:TaxTotalAmount", attributes: [("currencyID", currency.code)], text: amount(invoice.vatMinor)),
                XMLTree("ram:GrandTotalAmount", text: amount(invoice.grossMinor)),
                XMLTree("ram:DuePayableAmount", text: amount(invoice.grossMinor)),
            ])
        let terms: XMLTree? = invoice.dueDate.map {
            XMLTree("ram:SpecifiedTradePaymentTerms", [date("ram:DueDateDateTime", $0)])
        }
        let corrected: XMLTree? = document.corrects.map {
            XMLTree("ram:InvoiceReferencedDocument", [XMLTree("ram:IssuerAssignedID", text: $0)])
        }
        let head: [XMLTree?] = [
            // The customer quotes the document's number with the transfer.
            XMLTree("ram:PaymentReference", text: invoice.number ?? ""),
            XMLTree("ram:InvoiceCurrencyCode", text: currency.code),
            paymentMeans(invoice),
        ]
        let vat: [XMLTree?] = document.groups.map { tax($0, amount: amount) }
        return XMLTree("ram:ApplicableHeaderTradeSettlement", head + vat + [terms, totals, corrected])
    }

    /// Minor units as an amount with exactly 2 decimals (BR-DEC), whatever the currency's digits:
    /// `1500` yen is `1500.00`, a rounded 3-digit amount drops its last (zero) digit.
    package static func amount(_ minor: Int64, _ currency: Currency) -> String {
        let hundredths =
            currency.digits <= 2
            ? minor * Money.power(2 - currency.digits) : minor / Money.power(currency.digits - 2)
        return FixedPoint.text(hundredths, scale: 2)
    }

    private static func line(_ line: InvoiceLine, sign: Int64, currency: Currency) -> XMLTree {
        XMLTree(
            "ram:IncludedSupplyChainTradeLineItem",
            [
                XMLTree("ram:AssociatedDocumentLineDocument", [XMLTree("ram:LineID", text: String(line.position))]),
                XMLTree("ram:SpecifiedTradeProduct", [XMLTree("ram:Name", text: line.description)]),
                XMLTree(
                    "ram:SpecifiedLineTradeAgreement",
                    [
                        XMLTree(
                            "ram:NetPriceProductTradePrice",
                            [XMLTree("ram:ChargeAmount", text: UnitPrice(e4: line.unitPriceE4).text(currency))])
                    ]),
                XMLTree(
                    "ram:SpecifiedLineTradeDelivery",
                    [
                        XMLTree(
                            "ram:BilledQuantity", attributes: [("unitCode", unitCode(line.unit))],
                            text: Quantity(milli: sign * line.quantityMilli).text)
                    ]),
                XMLTree(
                    "ram:SpecifiedLineTradeSettlement",
                    [
                        XMLTree(
                            "ram:ApplicableTradeTax",
                            [
                                XMLTree("ram:TypeCode", text: "VAT"),
                                XMLTree("ram:CategoryCode", text: line.vatCategory),
                                XMLTree("ram:RateApplicablePercent", text: line.line.rate.text),
                            ]),
                        XMLTree(
                            "ram:BillingSpecifiedPeriod",
                            [date("ram:StartDateTime", line.performedOn), date("ram:EndDateTime", line.performedOn)]),
                        XMLTree(
                            "ram:SpecifiedTradeSettlementLineMonetarySummation",
                            [XMLTree("ram:LineTotalAmount", text: amount(sign * line.netMinor, currency))]),
                    ]),
            ])
    }

    /// BG-23: one per VAT category and rate; every category but S and Z says why no VAT is due
    /// (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10), with the VATEX code where one exists.
    private static func tax(_ group: InvoiceArithmetic.Group, amount: (Int64) -> String) -> XMLTree {
        let exemption: (reason: String, code: String?)? =
            switch group.category {
            case .standard, .zeroRated: nil
            case .exempt: ("Exempt from VAT", nil)
            case .reverseCharge: ("Reverse charge", "VATEX-EU-AE")
            case .intraCommunity: ("Intra-community supply", "VATEX-EU-IC")
            case .export: ("Export outside the EU", "VATEX-EU-G")
            case .outOfScope: ("Not subject to VAT", "VATEX-EU-O")
            }
        return XMLTree(
            "ram:ApplicableTradeTax",
            [
                XMLTree("ram:CalculatedAmount", text: amount(group.vat.minor)),
                XMLTree("ram:TypeCode", text: "VAT"),
                exemption.map { XMLTree("ram:ExemptionReason", text: $0.reason) },
                XMLTree("ram:BasisAmount", text: amount(group.taxable.minor)),
                XMLTree("ram:CategoryCode", text: group.category.rawValue),
                exemption?.code.map { XMLTree("ram:ExemptionReasonCode", text: $0) },
                XMLTree("ram:RateApplicablePercent", text: group.rate.text),
            ])
    }

    /// Credit transfer (UNTDID 4461 code 58, SEPA) to the lab's account, when it has one.
    private static func paymentMeans(_ invoice: Invoice) -> XMLTree? {
        guard !invoice.sellerIban.isEmpty else { return nil }
        return XMLTree(
            "ram:SpecifiedTradeSettlementPaymentMeans",
            [
                XMLTree("ram:TypeCode", text: "58"),
                XMLTree(
                    "ram:PayeePartyCreditorFinancialAccount",
                    [XMLTree("ram:IBANID", text: invoice.sellerIban.filter { !$0.isWhitespace })]),
                invoice.sellerBic.isEmpty
                    ? nil
                    : XMLTree(
                        "ram:PayeeSpecifiedCreditorFinancialInstitution",
                        [XMLTree("ram:BICID", text: invoice.sellerBic)]),
            ])
    }

    private static func party(_ element: String, _ name: String, _ address: String, _ country: String, _ vatId: String)
        -> XMLTree
    {
        let parts = Address(address)
        return XMLTree(
            element,
            [
                XMLTree("ram:Name", text: name),
                XMLTree(
                    "ram:PostalTradeAddress",
                    [
                        parts.postcode.map { XMLTree("ram:PostcodeCode", text: $0) },
                        parts.lines.first.map { XMLTree("ram:LineOne", text: $0) },
                        parts.lines.dropFirst().first.map { XMLTree("ram:LineTwo", text: $0) },
                        parts.lines.count > 2
                            ? XMLTree("ram:LineThree", text: parts.lines.dropFirst(2).joined(separator: ", ")) : nil,
                        parts.city.map { XMLTree("ram:CityName", text: $0) },
                        XMLTree("ram:CountryID", text: country),
                    ]),
                vatId.isEmpty
                    ? nil
                    : XMLTree(
                        "ram:SpecifiedTaxRegistration",
                        [XMLTree("ram:ID", attributes: [("schemeID", "VA")], text: vatId.filter { !$0.isWhitespace })]),
            ])
    }

    /// A frozen address (`street`, `postcode city`, `country`; by lines or commas) in its parts:
    /// what the model has fields for is put there, the rest stays address lines.
    package struct Address {
        package var lines: [String]
        package var postcode: String?
        package var city: String?
        package var country: String?

        package init(_ text: String) {
            lines = text.split(whereSeparator: { $0 == "\n" || $0 == "," })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let last = lines.last, last.wholeMatch(of: /[A-Za-z]{2}/) != nil {
                country = last.uppercased()
                lines.removeLast()
            }
            // The street comes first: a lone `12 High Street` is a street, not a postcode and town.
            if lines.count > 1, let last = lines.last,
                let match = last.wholeMatch(of: /([A-Z0-9-]*[0-9][A-Z0-9-]*) (.+)/)
            {
                (postcode, city) = (String(match.1), String(match.2))
                lines.removeLast()
            }
        }
    }

    /// ISO 3166-1 alpha-2 from the address's last part, else from the VAT id's prefix (Greece's
    /// `EL` is `GR`).
    package static func country(_ address: String, vatId: String) -> String? {
        if let country = Address(address).country { return country }
        let prefix = vatId.prefix(2).uppercased()
        guard prefix.count == 2, prefix.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return prefix == "EL" ? "GR" : prefix
    }

    /// UN/ECE Recommendation 20 for the units a lab bills in; C62 ("one") for counted things.
    package static func unitCode(_ unit: String) -> String {
        switch unit.lowercased() {
        case "h", "hour", "hours": "HUR"
        case "day", "days": "DAY"
        case "month", "months": "MON"
        case "kg": "KGM"
        case "g": "GRM"
        case "l", "litre", "liter": "LTR"
        case "ml": "MLT"
        case "km": "KMT"
        default: "C62"
        }
    }

    private static func date(_ element: String, _ day: String?) -> XMLTree {
        XMLTree(
            element,
            [
                XMLTree(
                    "udt:DateTimeString", attributes: [("format", "102")],
                    text: (day ?? "").filter { $0 != "-" })
            ])
    }
}
