import Foundation
import GRDB
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The catalog page: tests and reference ranges, profiles, instruments and their calibration,
/// QC materials and runs. Admins define; lab staff record QC runs.
package struct CatalogWebController {
    package let store: CatalogStore
    package let pages: PageRenderer

    struct TestForm: Decodable {
        var code: String?
        var name: String?
        var unit: String?
        var method: String?
        var price: String?
        /// The `kind_<kind>` checkboxes and the `low_<species>` and `high_<species>` limits.
        var perKindAndSpecies = FieldsByID()

        enum CodingKeys: String, CodingKey { case code, name, unit, method, price }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            unit = try container.decodeIfPresent(String.self, forKey: .unit)
            method = try container.decodeIfPresent(String.self, forKey: .method)
            price = try container.decodeIfPresent(String.self, forKey: .price)
            perKindAndSpecies = try FieldsByID(from: decoder)
        }

        func limit(_ field: String) throws -> Double? {
            try FormText.number(perKindAndSpecies.values[field], field: field)
        }
    }

    struct ProfileForm: Decodable {
        var code: String?
        var name: String?
        /// Test codes, comma separated, in report order.
        var tests: String?
    }

    struct InstrumentForm: Decodable {
        var name: String?
        var calibrationDue: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case name, notes
            case calibrationDue = "calibration_due"
        }
    }

    struct CalibrationForm: Decodable {
        var calibrationDue: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case reason
            case calibrationDue = "calibration_due"
        }
    }

    struct MaterialForm: Decodable {
        var name: String?
        var testCode: String?
        var expected: String?
        var tolerance: String?

        enum CodingKeys: String, CodingKey {
            case name, expected, tolerance
            case testCode = "test_code"
        }
    }

    struct RunForm: Decodable {
        var materialId: String?
        var instrumentId: String?
        var measured: String?

        enum CodingKeys: String, CodingKey {
            case measured
            case materialId = "material_id"
            case instrumentId = "instrument_id"
        }
    }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/results/catalog", .resultsRead) { request, context in try await page(request, context) }
        routes.post("/results/catalog/tests", .admin) { request, context in
            let form = try await request.decode(as: TestForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let ranges = try store.species.compactMap { species -> CatalogStore.TestInput.Range? in
                    let low = try form.limit("low_\(species)")
                    let high = try form.limit("high_\(species)")
                    return low == nil && high == nil ? nil : .init(species: species, low: low, high: high)
                }
                let cents = try FormText.number(form.price, field: "price").map { Int(($0 * 100).rounded()) }
                let test = try await store.createTest(
                    .init(
                        code: FormText.text(form.code), name: FormText.text(form.name),
                        sampleKinds: store.sampleKinds.filter {
                            FormText.text(form.perKindAndSpecies.values["kind_\($0)"]) != nil
                        }, unit: FormText.text(form.unit), method: FormText.text(form.method), priceCents: cents,
                        ranges: ranges), context: context.eventContext)
                return "Test \(test.code) added."
            }
        }
        routes.post("/results/catalog/profiles", .admin) { request, context in
            let form = try await request.decode(as: ProfileForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let tests = (FormText.text(form.tests) ?? "").split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let profile = try await store.createProfile(
                    .init(code: FormText.text(form.code), name: FormText.text(form.name), tests: tests),
                    context: context.eventContext)
                return "Profile \(profile.code) added."
            }
        }
        routes.post("/results/catalog/instruments", .admin) { request, context in
            let form = try await request.decode(as: InstrumentForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let instrument = try await store.createInstrument(
                    .init(
                        name: FormText.text(form.name), calibrationDue: FormText.text(form.calibrationDue),
                        notes: FormText.text(form.notes)), context: context.eventContext)
                return "\(instrument.name) added, calibrated until \(instrument.calibrationDue)."
            }
        }
        routes.post("/results/catalog/instruments/{id}/calibrate", .admin) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: CalibrationForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let instrument = try await store.recalibrate(
                    id: id,
                    .init(calibrationDue: FormText.text(form.calibrationDue), reason: FormText.text(form.reason)),
                    context: context.eventContext)
                return "\(instrument.name) calibrated until \(instrument.calibrationDue)."
            }
        }
        routes.post("/results/catalog/materials", .admin) { request, context in
            let form = try await request.decode(as: MaterialForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let material = try await store.createMaterial(
                    .init(
                        name: FormText.text(form.name), testCode: FormText.text(form.testCode),
                        expected: try FormText.number(form.expected, field: "expected"),
                        tolerance: try FormText.number(form.tolerance, field: "tolerance")),
                    context: context.eventContext)
                return "Control \(material.name) added."
            }
        }
        routes.post("/results/qc-runs", .resultsWrite) { request, context in
            let form = try await request.decode(as: RunForm.self, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let run = try await store.recordRun(
                    .init(
                        materialId: try FormText.id(form.materialId, field: "material_id"),
                        instrumentId: try FormText.id(form.instrumentId, field: "instrument_id"),
                        measured: try FormText.number(form.measured, field: "measured")), context: context.eventContext)
                return run.inControl
                    ? "QC run #\(run.id ?? 0) in control."
                    : "QC run #\(run.id ?? 0) is OUT OF CONTROL: results of this run cannot be verified."
            }
        }
    }

    /// `catalog.mustache`.
    struct CatalogPage: Encodable {
        struct Test: Encodable {
            let code: String
            let name: String
            let kinds: String
            let unit: String
            let method: String
            let price: String
            let ranges: String
        }
        struct Profile: Encodable {
            let code: String
            let name: String
            let tests: String
        }
        struct Instrument: Encodable {
            let id: Int64
            let name: String
            let due: String
            let ok: Bool
        }
        struct Material: Encodable {
            let id: Int64
            let name: String
            let test: String
            let expected: String
            let tolerance: String
        }
        struct Run: Encodable {
            let id: Int64
            let material: String
            let instrument: String
            let measured: String
            let inControl: Bool
            let by: String
            let at: String
        }
        /// A species or a sample kind.
        struct Name: Encodable {
            let name: String
        }
        let tests: [Test]
        let profiles: [Profile]
        let instruments: [Instrument]
        let materials: [Material]
        let runs: [Run]
        let calibrated: [InstrumentChoice]
        let species: [Name]
        let kinds: [Name]
        let isAdmin: Bool
        let canWrite: Bool
        /// Prices are money: only for those who may bill (`billing:read`), not technicians.
        let showPrices: Bool
        /// The default calibration date of a new instrument, a year from today.
        let today: String
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let catalog = try await store.catalog()
        let tests = Dictionary(uniqueKeysWithValues: catalog.tests.map { ($0.id ?? 0, $0) })
        let materials = Dictionary(uniqueKeysWithValues: catalog.materials.map { ($0.id ?? 0, $0) })
        let instruments = Dictionary(uniqueKeysWithValues: catalog.instruments.map { ($0.id ?? 0, $0) })
        return pages.page(
            "results/catalog", title: "Tests, instruments and QC", section: "results", request: request,
            context: context,
            model: CatalogPage(
                tests: catalog.tests.map { test in
                    CatalogPage.Test(
                        code: test.code, name: test.name, kinds: test.kinds.joined(separator: ", "), unit: test.unit,
                        method: test.method, price: FixedPoint.text(Int64(test.priceCents), scale: 2),
                        ranges: catalog.ranges.filter { $0.testId == test.id }.map { "\($0.species) \($0.text)" }
                            .joined(separator: "; "))
                },
                profiles: catalog.profiles.map { CatalogPage.Profile(code: $0.code, name: $0.name, tests: $0.tests) },
                instruments: catalog.instruments.map { instrument in
                    CatalogPage.Instrument(
                        id: instrument.id ?? 0, name: instrument.name, due: instrument.calibrationDue,
                        ok: instrument.isCalibrated())
                },
                materials: catalog.materials.map { material in
                    CatalogPage.Material(
                        id: material.id ?? 0, name: material.name, test: tests[material.testId]?.code ?? "?",
                        expected: material.expected.formatted(), tolerance: material.tolerance.formatted())
                },
                runs: catalog.runs.map { run in
                    CatalogPage.Run(
                        id: run.id ?? 0, material: materials[run.materialId]?.name ?? "?",
                        instrument: instruments[run.instrumentId]?.name ?? "?", measured: run.measured.formatted(),
                        inControl: run.inControl, by: run.runBy,
                        at: pages.time.text(run.runAt))
                },
                calibrated: catalog.instruments.filter { $0.isCalibrated() }.map(InstrumentChoice.init),
                species: store.species.map(CatalogPage.Name.init), kinds: store.sampleKinds.map(CatalogPage.Name.init),
                isAdmin: context.principal?.can(.admin) == true,
                canWrite: context.principal?.can(.resultsWrite) == true,
                showPrices: context.principal?.can(.billingRead) == true,
                today: Day.adding(365, to: Day.today) ?? Day.today))
    }

    package init(store: CatalogStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
