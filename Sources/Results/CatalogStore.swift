import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// The test catalog, profiles, instruments and quality control. Admins define the catalog;
/// lab staff record QC runs.
package struct CatalogStore: Sendable {
    package let database: AppDatabase
    package let sampleKinds: [String]
    package let species: [String]

    package struct TestInput: Codable, Sendable {
        package struct Range: Codable, Sendable {
            package var species: String
            package var low: Double?
            package var high: Double?

            package init(species: String, low: Double? = nil, high: Double? = nil) {
                self.species = species
                self.low = low
                self.high = high
            }
        }

        package var code: String?
        package var name: String?
        package var sampleKinds: [String]?
        package var unit: String?
        package var method: String?
        package var priceCents: Int?
        package var ranges: [Range]?

        package enum CodingKeys: String, CodingKey {
            case code, name, unit, method, ranges
            case sampleKinds = "sample_kinds"
            case priceCents = "price_cents"
        }

        package init(
            code: String? = nil, name: String? = nil, sampleKinds: [String]? = nil, unit: String? = nil,
            method: String? = nil, priceCents: Int? = nil, ranges: [Range]? = nil
        ) {
            self.code = code
            self.name = name
            self.sampleKinds = sampleKinds
            self.unit = unit
            self.method = method
            self.priceCents = priceCents
            self.ranges = ranges
        }
    }

    package func createTest(_ input: TestInput, context: EventContext) async throws -> LabTest {
        let code = try InputCheck.text(input.code, field: "code", limit: 32)
        guard code.wholeMatch(of: /[A-Za-z0-9_.\-]+/) != nil else {
            throw APIError.validationFailed("Give a short code of letters, digits, _ . or -.", field: "code")
        }
        let name = try InputCheck.text(input.name, field: "name")
        guard !name.isEmpty else { throw APIError.validationFailed("Name the test.", field: "name") }
        let kinds = input.sampleKinds ?? []
        guard !kinds.isEmpty, kinds.allSatisfy(sampleKinds.contains) else {
            throw APIError.validationFailed(
                "Choose the sample kinds it accepts from \(sampleKinds.joined(separator: ", ")).", field: "sample_kinds"
            )
        }
        for range in input.ranges ?? [] {
            guard species.contains(range.species) else {
                throw APIError.validationFailed("\(range.species) is not a species here.", field: "ranges")
            }
            if let low = range.low, let high = range.high, low > high {
                throw APIError.validationFailed("A range's low bound must not exceed its high bound.", field: "ranges")
            }
        }
        return try await database.write(context) { write in
            guard try LabTest.filter(LabTest.CodingKeys.code == code).isEmpty(write.db) else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A test has the code \(code).", field: "code")
            }
            let now = Date()
            var test = LabTest(
                id: nil, code: code, name: name, sampleKinds: kinds.joined(separator: ","),
                unit: try InputCheck.text(input.unit, field: "unit", limit: 32),
                method: try InputCheck.text(input.method, field: "method"),
                priceCents: try InputCheck.count(input.priceCents ?? 0, field: "price_cents", maximum: 100_000_000),
                createdAt: now, updatedAt: now)
            try write.insert(&test)
            for range in input.ranges ?? [] {
                try ReferenceRange(testId: test.id ?? 0, species: range.species, low: range.low, high: range.high)
                    .insert(write.db)
            }
            if let ranges = input.ranges, !ranges.isEmpty {
                try write.log(
                    "lab_test.ranges", entityType: LabTest.auditEntity, entityID: test.auditID,
                    after: AuditValue.encode(
                        Dictionary(
                            uniqueKeysWithValues: ranges.map {
                                (
                                    $0.species,
                                    AuditValue.text(
                                        ReferenceRange(testId: 0, species: $0.species, low: $0.low, high: $0.high).text)
                                )
                            })))
            }
            return test
        }
    }

    package struct ProfileInput: Codable, Sendable {
        package var code: String?
        package var name: String?
        package var tests: [String]?
    }

    package func createProfile(_ input: ProfileInput, context: EventContext) async throws -> LabProfile {
        let code = try InputCheck.text(input.code, field: "code", limit: 32)
        let name = try InputCheck.text(input.name, field: "name")
        guard !code.isEmpty, !name.isEmpty else {
            throw APIError.validationFailed("Give the profile a code and a name.", field: "code")
        }
        guard let tests = input.tests, !tests.isEmpty else {
            throw APIError.validationFailed("A profile groups one or more tests.", field: "tests")
        }
        return try await database.write(context) { write in
            for test in tests where try LabTest.filter(LabTest.CodingKeys.code == test).isEmpty(write.db) {
                throw APIError.validationFailed("No test has the code \(test).", field: "tests")
            }
            guard try LabProfile.filter(LabProfile.CodingKeys.code == code).isEmpty(write.db) else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A profile has the code \(code).", field: "code")
            }
            var profile = LabProfile(
                id: nil, code: code, name: name, tests: tests.joined(separator: ","), createdAt: Date())
            try write.insert(&profile)
            return profile
        }
    }

    package struct InstrumentInput: Codable, Sendable {
        package var name: String?
        package var calibrationDue: String?
        package var notes: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case name, notes, reason
            case calibrationDue = "calibration_due"
        }

        package init(name: String? = nil, calibrationDue: String? = nil, notes: String? = nil, reason: String? = nil) {
            self.name = name
            self.calibrationDue = calibrationDue
            self.notes = notes
            self.reason = reason
        }
    }

    package static func calibrationDay(_ text: String?) throws -> String {
        guard let text, let day = Day.date(text) else {
            throw APIError.validationFailed("Give the calibration due date as YYYY-MM-DD.", field: "calibration_due")
        }
        return Day.text(day)
    }

    package func createInstrument(_ input: InstrumentInput, context: EventContext) async throws -> Instrument {
        let name = try InputCheck.text(input.name, field: "name")
        guard !name.isEmpty else { throw APIError.validationFailed("Name the instrument.", field: "name") }
        let due = try Self.calibrationDay(input.calibrationDue)
        return try await database.write(context) { write in
            guard try Instrument.filter(Instrument.CodingKeys.name == name).isEmpty(write.db) else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "An instrument is called \(name).", field: "name")
            }
            let now = Date()
            var instrument = Instrument(
                id: nil, name: name, calibrationDue: due,
                notes: try InputCheck.text(input.notes, field: "notes", limit: 2000), createdAt: now, updatedAt: now)
            try write.insert(&instrument)
            return instrument
        }
    }

    /// A new calibration date (after a calibration), with the reason the trail needs.
    package func recalibrate(id: Int64, _ input: InstrumentInput, context: EventContext) async throws -> Instrument {
        let due = try Self.calibrationDay(input.calibrationDue)
        return try await database.write(context) { write in
            guard let previous = try Instrument.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No instrument has id \(id).")
            }
            var instrument = previous
            instrument.calibrationDue = due
            instrument.updatedAt = Date()
            try write.update(
                instrument, from: previous, action: "instrument.calibrate",
                reason: input.reason ?? "calibrated, valid until \(due)")
            return instrument
        }
    }

    package struct MaterialInput: Codable, Sendable {
        package var name: String?
        package var testCode: String?
        package var expected: Double?
        package var tolerance: Double?

        package enum CodingKeys: String, CodingKey {
            case name, expected, tolerance
            case testCode = "test_code"
        }

        package init(name: String? = nil, testCode: String? = nil, expected: Double? = nil, tolerance: Double? = nil) {
            self.name = name
            self.testCode = testCode
            self.expected = expected
            self.tolerance = tolerance
        }
    }

    package func createMaterial(_ input: MaterialInput, context: EventContext) async throws -> QCMaterial {
        let name = try InputCheck.text(input.name, field: "name")
        guard !name.isEmpty else { throw APIError.validationFailed("Name the control material.", field: "name") }
        guard let expected = input.expected, expected.isFinite else {
            throw APIError.validationFailed("Give the expected value.", field: "expected")
        }
        guard let tolerance = input.tolerance, tolerance >= 0, tolerance.isFinite else {
            throw APIError.validationFailed("Give the tolerance (±) as a number from 0.", field: "tolerance")
        }
        return try await database.write(context) { write in
            guard let test = try LabTest.filter(LabTest.CodingKeys.code == (input.testCode ?? "")).fetchOne(write.db)
            else {
                throw APIError.validationFailed("No test has the code \(input.testCode ?? "").", field: "test_code")
            }
            var material = QCMaterial(
                id: nil, name: name, testId: test.id ?? 0, expected: expected, tolerance: tolerance, createdAt: Date())
            try write.insert(&material)
            return material
        }
    }

    package struct RunInput: Codable, Sendable {
        package var materialId: Int64?
        package var instrumentId: Int64?
        package var measured: Double?

        package enum CodingKeys: String, CodingKey {
            case measured
            case materialId = "material_id"
            case instrumentId = "instrument_id"
        }

        package init(materialId: Int64? = nil, instrumentId: Int64? = nil, measured: Double? = nil) {
            self.materialId = materialId
            self.instrumentId = instrumentId
            self.measured = measured
        }
    }

    /// A QC run: the control measured on a calibrated instrument, judged against its tolerance.
    package func recordRun(_ input: RunInput, context: EventContext) async throws -> QCRun {
        guard let measured = input.measured, measured.isFinite else {
            throw APIError.validationFailed("Give the measured value.", field: "measured")
        }
        return try await database.write(context) { write in
            guard let material = try input.materialId.flatMap({ try QCMaterial.fetchOne(write.db, key: $0) }) else {
                throw APIError.validationFailed("Choose the control material.", field: "material_id")
            }
            guard let instrumentID = input.instrumentId else {
                throw APIError.validationFailed("Choose the instrument.", field: "instrument_id")
            }
            let instrument = try Instrument.usable(write.db, id: instrumentID)
            var run = QCRun(
                id: nil, materialId: material.id ?? 0, instrumentId: instrument.id ?? 0, measured: measured,
                inControl: material.inControl(measured), runBy: write.context.actorName, runAt: Date())
            try write.insert(&run)
            return run
        }
    }

    package struct Catalog: Encodable, Sendable {
        package let tests: [LabTest]
        package let ranges: [ReferenceRange]
        package let profiles: [LabProfile]
        package let instruments: [Instrument]
        package let materials: [QCMaterial]
        package let runs: [QCRun]
        /// Prices are money: false for a caller who may not bill (`billing:read`), a technician
        /// by default, and the tests go without `price_cents`.
        package var showsPrices = true

        enum CodingKeys: String, CodingKey {
            case tests, ranges, profiles, instruments, materials, runs
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if showsPrices {
                try container.encode(tests, forKey: .tests)
            } else {
                try container.encode(tests.map(UnpricedTest.init), forKey: .tests)
            }
            try container.encode(ranges, forKey: .ranges)
            try container.encode(profiles, forKey: .profiles)
            try container.encode(instruments, forKey: .instruments)
            try container.encode(materials, forKey: .materials)
            try container.encode(runs, forKey: .runs)
        }
    }

    /// A test as a caller who may not see money gets it: every column but the price.
    private struct UnpricedTest: Encodable {
        let test: LabTest

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: LabTest.CodingKeys.self)
            try container.encodeIfPresent(test.id, forKey: .id)
            try container.encode(test.code, forKey: .code)
            try container.encode(test.name, forKey: .name)
            try container.encode(test.sampleKinds, forKey: .sampleKinds)
            try container.encode(test.unit, forKey: .unit)
            try container.encode(test.method, forKey: .method)
            try container.encode(test.createdAt, forKey: .createdAt)
            try container.encode(test.updatedAt, forKey: .updatedAt)
        }
    }

    package func catalog() async throws -> Catalog {
        try await database.read { db in
            Catalog(
                tests: try LabTest.order(LabTest.CodingKeys.code).fetchAll(db),
                ranges: try ReferenceRange.fetchAll(db),
                profiles: try LabProfile.order(LabProfile.CodingKeys.code).fetchAll(db),
                instruments: try Instrument.order(Instrument.CodingKeys.name).fetchAll(db),
                materials: try QCMaterial.order(QCMaterial.CodingKeys.name).fetchAll(db),
                runs: try QCRun.order(QCRun.CodingKeys.id.desc).limit(50).fetchAll(db))
        }
    }

    package init(database: AppDatabase, sampleKinds: [String], species: [String]) {
        self.database = database
        self.sampleKinds = sampleKinds
        self.species = species
    }
}
