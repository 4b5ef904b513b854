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
        var model = StoragePage(error: error?.message)
        var title = "Storage"
        var trail: [Navigation.Link] = []
        var childKinds = StorageContainer.Kind.allCases.filter { $0.parents.contains(nil) }
        if let id {
            guard let container = try await store.container(id: id) else {
                throw APIError.notFound("No container has id \(id).")
            }
            title = container.name
            childKinds = StorageContainer.Kind.allCases.filter { $0.parents.contains(container.kind) }
            let path = try await store.path(to: id)
            trail = path.dropLast().map { Navigation.Link(label: $0.name, href: "/storage/\($0.id ?? 0)") }
            model.container = StoragePage.Container(
                id: id, kind: container.kind.rawValue, rows: container.rows, columns: container.columns)
            model.usage = StoragePage.Usage(try await store.usage(of: id))
            if container.kind.holdsItems {
                let cells = try await store.map(of: container)
                let colour = try ListQuery(request).choice("colour", in: ["kind", "status", "owner"]) ?? "kind"
                let tone = { (cell: StorageStore.Cell) in Self.tone(cell, by: colour) }
                model.grid = (0..<container.rows).map { row in
                    StoragePage.GridRow(
                        cells: cells[(row * container.columns)..<((row + 1) * container.columns)].map {
                            StoragePage.Cell($0, tone: tone($0).0)
                        })
                }
                var legend: [String: String] = ["cell-free": "free"]
                for cell in cells where cell.sampleId != nil { legend[tone(cell).0] = tone(cell).1 }
                model.legend = legend.sorted { $0.value < $1.value }.map {
                    StoragePage.LegendEntry(class: $0.key, label: $0.value)
                }
                model.colours = ["kind", "status", "owner"].map { Choice(value: $0, selected: $0 == colour) }
                model.firstFree = cells.first { $0.sampleId == nil }?.position
                model.holdsItems = true
            }
            if container.kind == .tank {
                model.isTank = true
                model.fills = try await store.fills(tank: id).map { fill in
                    StoragePage.Fill(
                        at: pages.time.text(fill.filledAt), by: fill.byName,
                        before: fill.levelBeforeCm.map { "\($0) cm" } ?? "—",
                        after: fill.levelAfterCm.map { "\($0) cm" } ?? "—",
                        litres: fill.litres.map { "\($0) L" } ?? "—", notes: fill.notes)
                }
            }
        }
        let children = try await store.children(of: id)
        let usage = try await store.usage(of: children.compactMap(\.id))
        model.children = children.map { child in
            StoragePage.Child(
                id: child.id ?? 0, name: child.name, kind: child.kind.rawValue,
                usage: StoragePage.Usage(usage[child.id ?? 0] ?? StorageStore.Usage(used: 0, capacity: 0)))
        }
        model.hasChildren = !model.children.isEmpty
        model.childKinds = childKinds.map { Choice(value: $0.rawValue) }
        model.hasChildKinds = !childKinds.isEmpty
        model.parentId = id.map(String.init) ?? ""
        model.isAdmin = context.principal?.can(.admin) == true
        model.canWrite = context.principal?.can(.storageWrite) == true
        return pages.page(
            "biobank/storage", title: title, section: "storage", request: request, context: context, model: model,
            trail: trail, status: error?.httpStatus ?? .ok)
    }

    /// `storage.mustache`: the top level, or a container with its map, contents and fill log.
    struct StoragePage: Encodable {
        struct Container: Encodable {
            let id: Int64
            let kind: String
            let rows: Int
            let columns: Int
        }
        struct Usage: Encodable {
            let used: Int
            let capacity: Int
            let percent: Int
            let hasCapacity: Bool

            init(_ usage: StorageStore.Usage) {
                (used, capacity) = (usage.used, usage.capacity)
                percent = usage.capacity == 0 ? 0 : usage.used * 100 / usage.capacity
                hasCapacity = usage.capacity > 0
            }
        }
        struct GridRow: Encodable {
            let cells: [Cell]
        }
        struct Cell: Encodable {
            let position: Int
            let sampleId: Int64?
            let externalId: String
            let kind: String
            let status: String
            let occupied: Bool
            let tone: String

            init(_ cell: StorageStore.Cell, tone: String) {
                position = cell.position
                sampleId = cell.sampleId
                externalId = cell.externalId ?? ""
                kind = cell.kind ?? "free"
                status = cell.status ?? ""
                occupied = cell.sampleId != nil
                self.tone = tone
            }
        }
        struct LegendEntry: Encodable {
            let `class`: String
            let label: String
        }
        struct Fill: Encodable {
            let at: String
            let by: String
            let before: String
            let after: String
            let litres: String
            let notes: String
        }
        struct Child: Encodable {
            let id: Int64
            let name: String
            let kind: String
            let usage: Usage
        }
        let error: String?
        var container: Container?
        var usage: Usage?
        var grid: [GridRow] = []
        var legend: [LegendEntry] = []
        var colours: [Choice] = []
        var firstFree: Int?
        var holdsItems = false
        var isTank = false
        var fills: [Fill] = []
        var children: [Child] = []
        var hasChildren = false
        var childKinds: [Choice] = []
        var hasChildKinds = false
        var parentId = ""
        var isAdmin = false
        var canWrite = false
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
