import LabBoxValues

// The settings of lab features that the configuration reads. They are plain values, declared
// here so that the configuration names no feature's code: the features read them from AppConfig.

/// Clinic-specific rules of the reproduction workflows (`reproduction.*` settings).
package struct ReproductionSettings: Sendable {
    /// Embryos of quality 1 to this grade may be frozen (IETS: 1–2 by default).
    package var freezableMaxGrade = 2
    /// `species:days` after transfer when the first pregnancy check is due (bovine ultrasound
    /// from ~30 days after oestrus = ~23 after a D7 transfer; equine scan at 14–16 days).
    package var firstCheckDays = [
        "bovine:23", "equine:7", "ovine:25", "caprine:25", "porcine:18", "canine:18", "feline:14",
    ]

    /// Days a recipient's cycle day may differ from the embryo's day at transfer (±1 by default).
    package var synchronyDays = 1

    package func firstCheck(species: String) -> Int {
        for entry in firstCheckDays {
            let parts = entry.split(separator: ":")
            if parts.count == 2, parts[0] == species, let days = Int(parts[1]) { return days }
        }
        return 25
    }

    package init() {}
}

/// When a verdict is given (`genomics.max_conflict_percent`, `genomics.min_call_rate_percent`).
package struct ParentageThresholds: Sendable, Codable {
    package var maxConflictPercent = 1
    package var minCallRatePercent = 90

    package init() {}

    package enum CodingKeys: String, CodingKey {
        case maxConflictPercent = "max_conflict_percent"
        case minCallRatePercent = "min_call_rate_percent"
    }
}

/// How the lab bills (`billing.*` settings): its currency, where VAT is rounded, payment terms and
/// the seller's details every invoice carries.
package struct BillingSettings: Sendable {
    package var currency = Currency.euro
    package var rounding = InvoiceArithmetic.Rounding.rate
    /// Days from the issue date to the due date.
    package var paymentDays = 30
    package var vatID = ""
    package var iban = ""
    package var bic = ""
    /// Days past due at which each dunning level is reached: level 1 (friendly) at the first, the
    /// last is the final notice.
    package var dunningDays = [7, 21, 35]
    /// The accountant's general-ledger accounts for the journal export: receivables, the bank,
    /// revenue of services without their own account, and VAT (`rate:account` entries, e.g.
    /// `19:1776`, the rest to `accountVAT`).
    package var accountReceivable = "1400"
    package var accountBank = "1200"
    package var accountRevenue = "8400"
    package var accountVAT = "1770"
    package var vatAccounts: [String] = []

    /// The VAT account of `rate` (per cent as the price list writes it: `19`, `7.7`).
    package func vatAccount(rate: String) -> String {
        for entry in vatAccounts {
            let parts = entry.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0] == rate { return String(parts[1]) }
        }
        return accountVAT
    }

    package init() {}
}

/// How long people's data is kept (`privacy.*` settings, decision 0041).
package struct PrivacySettings: Sendable {
    /// What the nightly retention job does with a customer inactive this long.
    package enum RetentionAction: String, Sendable, CaseIterable {
        /// Nothing: the lab reviews by itself.
        case off
        /// The customer is marked for a person to review and erase (the default).
        case flag
        /// The customer is erased, with the retention rule as the reason.
        case erase
    }

    /// Years without an order, a sample, an invoice or a change after which a customer is inactive.
    package var retentionYears = 10
    package var retentionAction = RetentionAction.flag
    /// Years an issued invoice must be kept (accounting law): a customer with a younger invoice
    /// cannot be erased.
    package var invoiceRetentionYears = 10

    package init() {}
}
