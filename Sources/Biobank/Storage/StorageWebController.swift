import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The storage pages: the container tree with usage, each container's occupancy map, check-in
/// and check-out, and the tank fill log.
package struct StorageWebController {
    package let store: StorageStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/storage", .storageRead) { request, context in try await page(request, context, id: nil, error: nil)
        }
        routes.get("/storage/{id}", .storageRead) { request, context in
            try await page(request, context, id: try context.id(), error: nil)
        }
        routes.post("/storage/containers", .admin) { request, context in
            let form = try await request.decode(as: ContainerForm.self, context: context)
            do {
                let container = try await store.createContainer(try form.input(), context: context.eventContext)
                return Flash(kind: .success, message: "\(container.name) was added.")
                    .redirect(to: "/storage/\(container.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await page(request, context, id: form.parentID, error: error)
            }
        }
        routes.post("/storage/{id}/fills", .storageWrite) { request, context in
            let id = try context.id()
            let input = try await request.decode(as: FillForm.self, context: context)
            do {
                _ = try await store.recordFill(
                    tank: id, try input.input(), by: context.principal, context: context.eventContext)
                return Flash(kind: .success, message: "The fill was logged.").redirect(to: "/storage/\(id)")
            } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
                return try await page(request, context, id: id, error: error)
            }
        }
        routes.post("/storage/{id}/check-in", .storageWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: CheckInForm.self, context: context)
            do {
                let sample = try await store.checkIn(
                    barcode: form.barcode, container: id, position: form.position, context: context.eventContext)
                return Flash(kind: .success, message: "\(sample.externalId) is at position \(sample.position ?? 0).")
                    .redirect(to: "/storage/\(id)")
            } catch let error as APIError where error.status.code < 500 {
                return try await page(request, context, id: id, error: error)
            }
        }
    }

    package struct ContainerForm: Decodable {
        package var parentId = ""
        package var kind = ""
        package var name = ""
        package var rows = ""
        package var columns = ""

        package enum CodingKeys: String, CodingKey {
            case kind, name, rows, columns
            case parentId = "parent_id"
        }

        package var parentID: Int64? { Int64(parentId) }

        package func input() throws -> StorageStore.ContainerInput {
            guard let kind = StorageContainer.Kind(rawValue: kind) else {
                throw APIError.validationFailed("Choose a kind.", field: "kind")
            }
            return StorageStore.ContainerInput(
                parentId: parentID, kind: kind, name: name, rows: Int(rows), columns: Int(columns), notes: nil)
        }
    }

    package struct FillForm: Decodable {
        package var levelBeforeCm = ""
        package var levelAfterCm = ""
        package var litres = ""
        package var notes = ""

        package enum CodingKeys: String, CodingKey {
            case litres, notes
            case levelBeforeCm = "level_before_cm"
            case levelAfterCm = "level_after_cm"
        }

        package func input() throws -> StorageStore.FillInput {
            func number(_ text: String, _ field: String) throws -> Double? {
                guard !text.isEmpty else { return nil }
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    throw APIError.validationFailed("Enter a number.", field: field)
                }
                return value
            }
            return StorageStore.FillInput(
                levelBeforeCm: try number(levelBeforeCm, "level_before_cm"),
                levelAfterCm: try number(levelAfterCm, "level_after_cm"), litres: try number(litres, "litres"),
                notes: notes)
        }
    }

    package struct CheckInForm: Decodable {
        package var barcode: String
        package var position: Int
    }

    private func page(_ request: Request, _ context: AppRequestContext, id: Int64?, error: APIError?) async throws
        -> Response
    {
        var values: [String: Any] = ["error": error?.message as Any]
        var title = "Storage"
        var childKinds = StorageContainer.Kind.allCases.filter { $0.parents.contains(nil) }
        if let id {
            guard let container = try await store.container(id: id) else {
                throw APIError.notFound("No container has id \(id).")
            }
            title = container.name
            childKinds = StorageContainer.Kind.allCases.filter { $0.parents.contains(container.kind) }
            let path = try await store.path(to: id)
            values["breadcrumbs"] = path.dropLast().map { ["id": $0.id ?? 0, "name": $0.name] }
            values["container"] = [
                "id": id, "kind": container.kind.rawValue, "rows": container.rows, "columns": container.columns,
            ]
            values["usage"] = usageValues(try await store.usage(of: id))
            if container.kind.holdsItems {
                let cells = try await store.map(of: container)
                let colour = try ListQuery(request).choice("colour", in: ["kind", "status", "owner"]) ?? "kind"
                let tone = { (cell: StorageStore.Cell) in Self.tone(cell, by: colour) }
                values["grid"] = (0..<container.rows).map { row in
                    [
                        "cells": cells[(row * container.columns)..<((row + 1) * container.columns)].map {
                            cellValues($0, tone: tone($0))
                        }
                    ]
                }
                var legend: [String: String] = ["cell-free": "free"]
                for cell in cells where cell.sampleId != nil { legend[tone(cell).0] = tone(cell).1 }
                values["legend"] = legend.sorted { $0.value < $1.value }.map { ["class": $0.key, "label": $0.value] }
                values["colours"] = ["kind", "status", "owner"].map { ["value": $0, "selected": $0 == colour] }
                values["first_free"] = cells.first { $0.sampleId == nil }?.position as Any
                values["holds_items"] = true
            }
            if container.kind == .tank {
                values["is_tank"] = true
                values["fills"] = try await store.fills(tank: id).map { fill -> [String: Any] in
                    [
                        "at": fill.filledAt.formatted(.iso8601), "by": fill.byName,
                        "before": fill.levelBeforeCm.map { "\($0) cm" } ?? "—",
                        "after": fill.levelAfterCm.map { "\($0) cm" } ?? "—",
                        "litres": fill.litres.map { "\($0) L" } ?? "—", "notes": fill.notes,
                    ]
                }
            }
        }
        var children: [[String: Any]] = []
        for child in try await store.children(of: id) {
            children.append(
                [
                    "id": child.id ?? 0, "name": child.name, "kind": child.kind.rawValue,
                    "usage": usageValues(try await store.usage(of: child.id ?? 0)),
                ])
        }
        values["children"] = children
        values["has_children"] = !children.isEmpty
        values["child_kinds"] = childKinds.map { ["value": $0.rawValue] }
        values["has_child_kinds"] = !childKinds.isEmpty
        values["parent_id"] = id.map(String.init) ?? ""
        values["is_admin"] = context.principal?.can(.admin) == true
        values["can_write"] = context.principal?.can(.storageWrite) == true
        return pages.page(
            "storage", title: title, section: "storage", request: request, context: context, values: values,
            status: error?.httpStatus ?? .ok)
    }

    private func usageValues(_ usage: StorageStore.Usage) -> [String: Any] {
        let percent = usage.capacity == 0 ? 0 : usage.used * 100 / usage.capacity
        return ["used": usage.used, "capacity": usage.capacity, "percent": percent, "has_capacity": usage.capacity > 0]
    }

    private func cellValues(_ cell: StorageStore.Cell, tone: (String, String)) -> [String: Any] {
        [
            "position": cell.position, "sample_id": cell.sampleId as Any, "external_id": cell.externalId ?? "",
            "kind": cell.kind ?? "free", "status": cell.status ?? "", "occupied": cell.sampleId != nil,
            "tone": tone.0,
        ]
    }

    /// The CSS class and legend text of a cell when the map is coloured by kind, status or owner.
    package static func tone(_ cell: StorageStore.Cell, by colour: String) -> (String, String) {
        guard cell.sampleId != nil else { return ("cell-free", "free") }
        switch colour {
        case "status": return ("cell-status-\(cell.status ?? "")", cell.status ?? "")
        case "owner":
            guard let owner = cell.ownerId else { return ("cell-other", "no owner") }
            return ("cell-owner-\(owner % 8)", "customer \(owner)")
        default:
            let kind = cell.kind ?? ""
            return (["semen", "embryo", "oocyte"].contains(kind) ? "cell-\(kind)" : "cell-other", kind)
        }
    }

    package init(store: StorageStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}

extension StorageStore {
    package func path(to id: Int64) async throws -> [StorageContainer] {
        try await database.read { try Self.path($0, to: id) }
    }

    /// Checks in the sample with this barcode (its external id), as a scanner at the bench sends it.
    package func checkIn(barcode: String, container: Int64, position: Int, context: EventContext) async throws -> Sample
    {
        try await database.write(context) { write in
            let code = barcode.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let sample = try Sample.filter(Sample.CodingKeys.externalId == code).fetchOne(write.db)
            else {
                throw APIError.validationFailed("No sample has the barcode \(code).", field: "barcode")
            }
            return try Self.place(
                sample.id ?? 0, at: container, position: position, reason: nil, moving: false, in: write)
        }
    }
}
