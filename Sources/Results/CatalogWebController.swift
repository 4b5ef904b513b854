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

    package func addRoutes(to routes: RouteTable) {
        routes.get("/results/catalog", .resultsRead) { request, context in try await page(request, context) }
        routes.post("/results/catalog/tests", .admin) { request, context in
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let ranges = try store.species.compactMap { species -> CatalogStore.TestInput.Range? in
                    let low = try form.number("low_\(species)")
                    let high = try form.number("high_\(species)")
                    return low == nil && high == nil ? nil : .init(species: species, low: low, high: high)
                }
                let cents = try form.number("price").map { Int(($0 * 100).rounded()) }
                let test = try await store.createTest(
                    .init(
                        code: form["code"], name: form["name"],
                        sampleKinds: store.sampleKinds.filter { form["kind_\($0)"] != nil }, unit: form["unit"],
                        method: form["method"], priceCents: cents, ranges: ranges), context: context.eventContext)
                return "Test \(test.code) added."
            }
        }
        routes.post("/results/catalog/profiles", .admin) { request, context in
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let tests = (form["tests"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                let profile = try await store.createProfile(
                    .init(code: form["code"], name: form["name"], tests: tests), context: context.eventContext)
                return "Profile \(profile.code) added."
            }
        }
        routes.post("/results/catalog/instruments", .admin) { request, context in
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let instrument = try await store.createInstrument(
                    .init(name: form["name"], calibrationDue: form["calibration_due"], notes: form["notes"]),
                    context: context.eventContext)
                return "\(instrument.name) added, calibrated until \(instrument.calibrationDue)."
            }
        }
        routes.post("/results/catalog/instruments/{id}/calibrate", .admin) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let instrument = try await store.recalibrate(
                    id: id, .init(calibrationDue: form["calibration_due"], reason: form["reason"]),
                    context: context.eventContext)
                return "\(instrument.name) calibrated until \(instrument.calibrationDue)."
            }
        }
        routes.post("/results/catalog/materials", .admin) { request, context in
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let material = try await store.createMaterial(
                    .init(
                        name: form["name"], testCode: form["test_code"], expected: try form.number("expected"),
                        tolerance: try form.number("tolerance")), context: context.eventContext)
                return "Control \(material.name) added."
            }
        }
        routes.post("/results/qc-runs", .resultsWrite) { request, context in
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/results/catalog") {
                let run = try await store.recordRun(
                    .init(
                        materialId: try form.id("material_id"), instrumentId: try form.id("instrument_id"),
                        measured: try form.number("measured")), context: context.eventContext)
                return run.inControl
                    ? "QC run #\(run.id ?? 0) in control."
                    : "QC run #\(run.id ?? 0) is OUT OF CONTROL: results of this run cannot be verified."
            }
        }
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let catalog = try await store.catalog()
        let tests = Dictionary(uniqueKeysWithValues: catalog.tests.map { ($0.id ?? 0, $0) })
        let materials = Dictionary(uniqueKeysWithValues: catalog.materials.map { ($0.id ?? 0, $0) })
        let instruments = Dictionary(uniqueKeysWithValues: catalog.instruments.map { ($0.id ?? 0, $0) })
        return pages.page(
            "catalog", title: "Tests, instruments and QC", section: "results", request: request, context: context,
            values: [
                "tests": catalog.tests.map { test -> [String: Any] in
                    [
                        "code": test.code, "name": test.name, "kinds": test.kinds.joined(separator: ", "),
                        "unit": test.unit,
                        "method": test.method, "price": String(format: "%.2f", Double(test.priceCents) / 100),
                        "ranges": catalog.ranges.filter { $0.testId == test.id }.map { "\($0.species) \($0.text)" }
                            .joined(separator: "; "),
                    ]
                },
                "profiles": catalog.profiles.map { ["code": $0.code, "name": $0.name, "tests": $0.tests] },
                "instruments": catalog.instruments.map { instrument -> [String: Any] in
                    [
                        "id": instrument.id ?? 0, "name": instrument.name, "due": instrument.calibrationDue,
                        "ok": instrument.isCalibrated(),
                    ]
                },
                "materials": catalog.materials.map { material -> [String: Any] in
                    [
                        "id": material.id ?? 0, "name": material.name, "test": tests[material.testId]?.code ?? "?",
                        "expected": material.expected.formatted(), "tolerance": material.tolerance.formatted(),
                    ]
                },
                "runs": catalog.runs.map { run -> [String: Any] in
                    [
                        "id": run.id ?? 0, "material": materials[run.materialId]?.name ?? "?",
                        "instrument": instruments[run.instrumentId]?.name ?? "?", "measured": run.measured.formatted(),
                        "in_control": run.inControl, "by": run.runBy,
                        "at": run.runAt.formatted(date: .abbreviated, time: .shortened),
                    ]
                },
                "calibrated": catalog.instruments.filter { $0.isCalibrated() }.map {
                    ["id": $0.id ?? 0, "name": $0.name]
                },
                "species": store.species.map { ["name": $0] },
                "kinds": store.sampleKinds.map { ["name": $0] },
                "is_admin": context.principal?.can(.admin) == true,
                "can_write": context.principal?.can(.resultsWrite) == true,
                "today": Day.adding(365, to: Day.today) ?? Day.today,
            ])
    }

    package init(store: CatalogStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
