import Biobank
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Orders, result entry and verification. A result is verified by e-signatures of people other
/// than the one who entered it (`results.verifications` of them); a changed verified result
/// needs a reason and is verified again.
package struct ResultStore: Sendable {
    package let database: AppDatabase
    package let verificationsRequired: Int
    package let mail: ResultsMail

    package struct OrderInput: Codable, Sendable {
        package var customerId: Int64?
        package var sampleIds: [Int64]?
        package var tests: [String]?
        package var profiles: [String]?
        package var reference: String?
        package var purchaseOrder: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case tests, profiles, reference, notes
            case purchaseOrder = "purchase_order"
            case customerId = "customer_id"
            case sampleIds = "sample_ids"
        }

        package init(
            customerId: Int64? = nil, sampleIds: [Int64]? = nil, tests: [String]? = nil, profiles: [String]? = nil,
            reference: String? = nil, purchaseOrder: String? = nil, notes: String? = nil
        ) {
            self.purchaseOrder = purchaseOrder
            self.customerId = customerId
            self.sampleIds = sampleIds
            self.tests = tests
            self.profiles = profiles
            self.reference = reference
            self.notes = notes
        }
    }

    /// An order and one analysis per sample and test (profiles expanded); a test that does not
    /// accept a sample's kind refuses the whole order.
    package func createOrder(_ input: OrderInput, context: EventContext) async throws -> OrderReport {
        guard let sampleIDs = input.sampleIds, !sampleIDs.isEmpty else {
            throw APIError.validationFailed("Choose the samples to test.", field: "sample_ids")
        }
        let id = try await database.write(context) { write -> Int64 in
            let db = write.db
            guard let customerID = input.customerId, let customer = try Customer.fetchOne(db, key: customerID),
                customer.deletedAt == nil
            else { throw APIError.validationFailed("Choose the customer who orders.", field: "customer_id") }
            var codes = input.tests ?? []
            for code in input.profiles ?? [] {
                guard let profile = try LabProfile.filter(LabProfile.CodingKeys.code == code).fetchOne(db) else {
                    throw APIError.validationFailed("No profile has the code \(code).", field: "profiles")
                }
                codes += profile.tests.split(separator: ",").map(String.init)
            }
            var tests: [LabTest] = []
            for code in codes where !tests.contains(where: { $0.code.lowercased() == code.lowercased() }) {
                guard let test = try LabTest.filter(LabTest.CodingKeys.code == code).fetchOne(db) else {
                    throw APIError.validationFailed("No test has the code \(code).", field: "tests")
                }
                tests.append(test)
            }
            guard !tests.isEmpty else { throw APIError.validationFailed("Choose tests or a profile.", field: "tests") }
            let now = Date()
            var order = LabOrder(
                id: nil, customerId: customerID, orderedOn: Day.today,
                reference: try InputCheck.text(input.reference, field: "reference"),
                purchaseOrder: try InputCheck.text(input.purchaseOrder, field: "purchase_order", limit: 100),
                notes: try InputCheck.text(input.notes, field: "notes", limit: 2000), createdAt: now, updatedAt: now)
            try write.insert(&order)
            for sampleID in sampleIDs {
                guard let sample = try Sample.fetchOne(db, key: sampleID) else {
                    throw APIError.validationFailed("No sample has id \(sampleID).", field: "sample_ids")
                }
                for test in tests {
                    guard test.kinds.contains(sample.kind) else {
                        throw APIError.validationFailed(
                            "\(test.code) does not accept \(sample.kind) samples (\(sample.externalId)); "
                                + "it takes \(test.kinds.joined(separator: ", ")).", field: "tests")
                    }
                    var analysis = Analysis(
                        id: nil, orderId: order.id ?? 0, sampleId: sampleID, testId: test.id ?? 0, unit: test.unit,
                        createdAt: now, updatedAt: now)
                    try write.insert(&analysis, action: "result.order")
                }
            }
            return order.id ?? 0
        }
        return try await report(id: id)
    }

    package static func analysis(_ db: Database, id: Int64) throws -> Analysis {
        guard let analysis = try Analysis.fetchOne(db, key: id) else {
            throw APIError.notFound("No analysis has id \(id).")
        }
        return analysis
    }

    private static func move(_ previous: Analysis, to state: Analysis.State, reason: String, in write: AuditedWrite)
        throws -> Analysis
    {
        var analysis = previous
        analysis.state = state
        analysis.updatedAt = Date()
        try write.update(analysis, from: previous, action: "result.\(state.rawValue)", reason: reason)
        return analysis
    }

    package func start(id: Int64, context: EventContext) async throws -> Analysis {
        try await database.write(context) { write in
            let previous = try Self.analysis(write.db, id: id)
            guard [.received, .retest].contains(previous.state) else {
                throw APIError.validationFailed("This analysis is \(previous.state.label).", field: "state")
            }
            return try Self.move(previous, to: .inProgress, reason: "analysis started", in: write)
        }
    }

    package struct ResultInput: Codable, Sendable {
        package var value: Double?
        package var instrumentId: Int64?
        package var qcRunId: Int64?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case value, reason
            case instrumentId = "instrument_id"
            case qcRunId = "qc_run_id"
        }

        package init(value: Double? = nil, instrumentId: Int64? = nil, qcRunId: Int64? = nil, reason: String? = nil) {
            self.value = value
            self.instrumentId = instrumentId
            self.qcRunId = qcRunId
            self.reason = reason
        }
    }

    /// Enters (or corrects) a result, flags it against the species' reference range and sends it
    /// to verification. A second entry needs a reason; so does changing a verified result, whose
    /// verifications then no longer cover it.
    package func enter(id: Int64, _ input: ResultInput, by user: Int64?, context: EventContext) async throws -> Analysis
    {
        guard let value = input.value, value.isFinite else {
            throw APIError.validationFailed("Enter the result.", field: "value")
        }
        return try await database.write(context) { write in
            let db = write.db
            let previous = try Self.analysis(db, id: id)
            guard previous.state != .rejected else {
                throw APIError.validationFailed("This analysis was rejected; order it again.", field: "value")
            }
            var analysis = previous
            if let instrumentID = input.instrumentId {
                analysis.instrumentId = try Instrument.usable(db, id: instrumentID).id
            }
            if let runID = input.qcRunId {
                guard let run = try QCRun.fetchOne(db, key: runID),
                    let material = try QCMaterial.fetchOne(db, key: run.materialId), material.testId == previous.testId
                else { throw APIError.validationFailed("No QC run \(runID) for this test.", field: "qc_run_id") }
                analysis.qcRunId = runID
            }
            let sample = try Sample.fetchOne(db, key: previous.sampleId)
            let range = try ReferenceRange.fetchOne(
                db, key: ["test_id": previous.testId, "species": sample?.species ?? ""])
            analysis.value = value
            analysis.low = range?.low
            analysis.high = range?.high
            analysis.flag = range?.flag(value) ?? ""
            analysis.enteredBy = user
            analysis.enteredAt = Date()
            analysis.state = .toVerify
            analysis.updatedAt = Date()
            let reason = input.reason.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            // A retest was sent back with its reason; its new measurement needs none of its own.
            if previous.value != nil && reason == nil && previous.state != .retest {
                throw APIError(
                    status: .badRequest, code: "validation_failed",
                    message: previous.state == .verified
                        ? "This result is verified: give a reason to change it; it will need verifying again."
                        : "Give a reason to change an entered result.", field: "reason")
            }
            try write.update(
                analysis, from: previous, action: previous.value == nil ? "result.enter" : "result.change",
                reason: reason ?? (previous.state == .retest ? "retest result" : "result entered"))
            return analysis
        }
    }

    /// A verification: the signer re-authenticated; not the person who entered the result; the
    /// run's QC in control. The result is verified once enough different people signed this value.
    package func verify(id: Int64, signer: User, context: EventContext) async throws -> Analysis {
        try await database.write(context) { write in
            let db = write.db
            let previous = try Self.analysis(db, id: id)
            guard previous.state == .toVerify else {
                throw APIError.validationFailed(
                    "Only a result waiting for verification can be verified; this one is \(previous.state.label).",
                    field: "state")
            }
            guard signer.id != previous.enteredBy else {
                throw APIError(
                    status: .forbidden, code: "forbidden",
                    message: "Someone other than the person who entered the result must verify it.")
            }
            if let runID = previous.qcRunId, let run = try QCRun.fetchOne(db, key: runID), !run.inControl {
                throw APIError(
                    status: .unprocessableContent, code: "qc_out_of_control",
                    message: "The QC run of this result was out of control (measured \(run.measured.formatted())); "
                        + "results of that run cannot be verified. Repeat the run and the measurement.",
                    field: "qc_run_id")
            }
            let signers = try Self.verifiers(db, of: previous)
            guard !signers.contains(signer.id ?? 0) else {
                throw APIError.validationFailed(
                    "You have verified this result already; another person must.", field: "state")
            }
            try Signature.sign(previous, as: signer, meaning: .verified, in: write)
            guard signers.count + 1 >= verificationsRequired else { return previous }
            let verified = try Self.move(
                previous, to: .verified, reason: "verified by \(signers.count + 1) of \(verificationsRequired)",
                in: write)
            try mail.orderDecided(write, order: previous.orderId)
            return verified
        }
    }

    /// The users whose verification signatures cover the result as it is now.
    package static func verifiers(_ db: Database, of analysis: Analysis) throws -> Set<Int64> {
        Set(try verifications(db, of: [analysis])[analysis.auditID, default: []].map(\.userId))
    }

    /// The verification signatures that cover each analysis as it is now, in signing order, keyed
    /// by the analysis's audit id.
    package static func verifications(_ db: Database, of analyses: [Analysis]) throws -> [String: [Signature.Manifest]]
    {
        try Signature.manifests(db, for: analyses).mapValues { manifest in
            manifest.filter { $0.meaning == .verified && $0.matchesCurrentVersion }
        }
    }

    /// A verifier sends a result back for retest, or rejects it for good; either needs a reason.
    package func reject(id: Int64, retest: Bool, reason: String?, context: EventContext) async throws -> Analysis {
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AuditPolicy.missingReason }
        return try await database.write(context) { write in
            let previous = try Self.analysis(write.db, id: id)
            guard [.toVerify, .inProgress, .received].contains(previous.state) else {
                throw APIError.validationFailed("A \(previous.state.label) result cannot be rejected.", field: "state")
            }
            let decided = try Self.move(previous, to: retest ? .retest : .rejected, reason: reason, in: write)
            // Rejecting the last open analysis for good completes the order as much as verifying it.
            if !retest { try mail.orderDecided(write, order: previous.orderId) }
            return decided
        }
    }

    // MARK: Reading

    /// An analysis as lists and reports show it.
    package struct Line: Codable, Sendable, FetchableRecord {
        package var id: Int64
        package var orderId: Int64
        package var sampleId: Int64
        package var sample: String
        package var species: String
        package var testCode: String
        package var testName: String
        package var state: Analysis.State
        package var value: Double?
        package var unit: String
        package var low: Double?
        package var high: Double?
        package var flag: String
        package var instrument: String?
        package var qcInControl: Bool?
        package var enteredBy: Int64?
        package var enteredByName: String?
        package var verifiedBy: [String] = []

        package enum CodingKeys: String, CodingKey {
            case id, sample, species, state, value, unit, low, high, flag, instrument
            case orderId = "order_id"
            case sampleId = "sample_id"
            case testCode = "test_code"
            case testName = "test_name"
            case qcInControl = "qc_in_control"
            case enteredBy = "entered_by"
            case enteredByName = "entered_by_name"
            case verifiedBy = "verified_by"
        }

        package init(row: Row) throws {
            id = row["id"]
            orderId = row["order_id"]
            sampleId = row["sample_id"]
            sample = row["sample"]
            species = row["species"]
            testCode = row["test_code"]
            testName = row["test_name"]
            state = row["state"]
            value = row["value"]
            unit = row["unit"]
            low = row["low"]
            high = row["high"]
            flag = row["flag"]
            instrument = row["instrument"]
            qcInControl = row["qc_in_control"]
            enteredBy = row["entered_by"]
            enteredByName = row["entered_by_name"]
        }

        package var range: String { ReferenceRange(testId: 0, species: species, low: low, high: high).text }
    }

    package static let lineSQL = """
        SELECT a.id, a.order_id, a.sample_id, s.external_id AS sample, s.species, t.code AS test_code,
               t.name AS test_name, a.state, a.value, a.unit, a.low, a.high, a.flag, i.name AS instrument,
               q.in_control AS qc_in_control, a.entered_by, u.display_name AS entered_by_name
        FROM analyses a JOIN samples s ON s.id = a.sample_id JOIN lab_tests t ON t.id = a.test_id
        LEFT JOIN instruments i ON i.id = a.instrument_id LEFT JOIN qc_runs q ON q.id = a.qc_run_id
        LEFT JOIN users u ON u.id = a.entered_by
        """

    /// The lines matching `condition`; a line verified or waiting for verification names those
    /// whose verification still covers its current version. Three queries, however many lines.
    package static func lines(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [Line] {
        var lines = try Line.fetchAll(db, sql: lineSQL + " WHERE " + condition, arguments: arguments)
        let signable = Set(lines.filter { $0.state == .verified || $0.state == .toVerify }.map(\.id))
        guard !signable.isEmpty else { return lines }
        let covering = try verifications(db, of: try Analysis.fetchAll(db, keys: signable))
        for index in lines.indices where signable.contains(lines[index].id) {
            lines[index].verifiedBy = covering[String(lines[index].id), default: []].map(\.signer)
        }
        return lines
    }

    package struct OrderReport: Encodable, Sendable, ResponseEncodable {
        package let order: LabOrder
        package let customer: String
        package let analyses: [Line]
        package var complete: Bool { analyses.allSatisfy { [.verified, .rejected].contains($0.state) } }

        package enum CodingKeys: String, CodingKey { case order, customer, analyses, complete }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(order, forKey: .order)
            try container.encode(customer, forKey: .customer)
            try container.encode(analyses, forKey: .analyses)
            try container.encode(complete, forKey: .complete)
        }
    }

    package func report(id: Int64) async throws -> OrderReport {
        try await database.read { try Self.report($0, id: id) }
    }

    package static func report(_ db: Database, id: Int64) throws -> OrderReport {
        guard let order = try LabOrder.fetchOne(db, key: id) else { throw APIError.notFound("No order has id \(id).") }
        return OrderReport(
            order: order, customer: try Customer.fetchOne(db, key: order.customerId)?.name ?? "?",
            analyses: try lines(db, where: "a.order_id = ? ORDER BY s.external_id, t.code", arguments: [id]))
    }

    /// The worklist: analyses in `states`, oldest first, one page.
    package func worklist(states: [Analysis.State], after: Int64?, limit: Int) async throws -> [Line] {
        try await database.read { db in
            try Self.lines(
                db,
                where: "a.state IN (\(states.map { "'\($0.rawValue)'" }.joined(separator: ","))) AND a.id > ? "
                    + "ORDER BY a.id LIMIT ?", arguments: [after ?? 0, limit])
        }
    }

    package func orders(customer: Int64?, limit: Int = 100) async throws -> [LabOrder] {
        try await database.read { db in
            var request = LabOrder.order(LabOrder.CodingKeys.id.desc)
            if let customer { request = request.filter(LabOrder.CodingKeys.customerId == customer) }
            return try request.limit(limit).fetchAll(db)
        }
    }

    package init(database: AppDatabase, verificationsRequired: Int, mail: ResultsMail) {
        self.database = database
        self.verificationsRequired = verificationsRequired
        self.mail = mail
    }
}
