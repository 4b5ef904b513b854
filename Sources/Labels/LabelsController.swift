import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxServer
import LabBoxValues

/// Printable label sheets (HTML with print CSS) and ZPL for sample lists and storage containers.
package struct LabelsController {
    package let samples: SampleStore
    package let storage: StorageStore
    package let pages: PageRenderer
    /// One ZPL print run at most; larger runs are split by filtering.
    package static let maximum = 500
    /// Labels on one sheet page: each label draws a QR code and a Code 128 barcode as SVG, and 500
    /// of them took 831 ms on the server (docs/BENCHMARKS.md), so a larger selection is printed
    /// a sheet at a time.
    package static let sheetSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/samples/labels", .samplesRead) { request, context in
            let query = ListQuery(request)
            let page = try await sampleLabels(query, after: try query.cursor(), limit: Self.sheetSize)
            let kept = SampleStore.Filter.parameters + ["sort", "size"]
            return try sheet(
                page.labels, size: try size(query), request: request, context: context, title: "Sample labels",
                back: "/samples",
                pages: .init(
                    next: query.nextPage(keeping: kept, after: page.next),
                    first: query.firstPage("/samples/labels", keeping: kept)))
        }
        routes.get("/api/v1/samples/labels.zpl", .samplesRead, .sampleLabelsAsZPL) { request, _ in
            let query = ListQuery(request)
            let size = try size(query)
            let zpl = try await sampleLabels(query, after: nil, limit: Self.maximum).labels.map { $0.zpl(size: size) }
                .joined()
            return Response(
                status: .ok, headers: [.contentType: "application/zpl; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: zpl)))
        }
        routes.get("/storage/{id}/labels", .storageRead) { request, context in
            let id = try context.id()
            let labels = try await storage.labels(for: id)
            return try sheet(
                labels, size: try size(ListQuery(request)), request: request, context: context,
                title: "Labels for \(labels.first?.lines.first ?? "container \(id)")", back: "/storage/\(id)")
        }
    }

    private func size(_ query: ListQuery) throws -> Label.Size {
        try query.choice("size", in: Label.Size.allCases.map(\.rawValue)).flatMap(Label.Size.init) ?? .sheet
    }

    /// The labels of the list's selection in the list's order, `limit` after `after`, and where the
    /// next ones start.
    private func sampleLabels(_ query: ListQuery, after: KeysetPosition?, limit: Int) async throws -> (
        labels: [Label], next: KeysetPosition?
    ) {
        let filter = try SampleStore.Filter(
            query, species: samples.species, kinds: samples.kinds, days: pages.time)
        let page = try await samples.list(
            filter, order: try query.order(SampleStore.sortable), after: after, limit: limit)
        let labels = page.items.map { sample in
            Label(
                code: sample.externalId,
                lines: [
                    "\(sample.species) \(sample.kind)",
                    "collected \(pages.time.day(sample.collectedAt))",
                ] + (sample.doses.map { ["\($0) doses"] } ?? []))
        }
        return (labels, page.next)
    }

    private func sheet(
        _ labels: [Label], size: Label.Size, request: Request, context: AppRequestContext, title: String, back: String,
        pages sheets: LabelsPage.Pages = .init(next: nil, first: nil)
    ) throws -> Response {
        let query = ListQuery(request)
        // The sheet shown stays the one laid out again: the cursor is kept with the filters.
        let others = query.parameters.filter { $0.key != "size" }
        return pages.page(
            "labels/labels", title: title, section: back.hasPrefix("/storage") ? "storage" : "samples",
            request: request,
            context: context,
            model: LabelsPage(
                labels: try labels.map { label in
                    LabelsPage.Sheet(
                        code: label.code, lines: label.lines, barcode: try Code128(label.code).svg(),
                        qr: try QRCode(text: label.code).svg)
                },
                count: labels.count, empty: labels.isEmpty, size: size.rawValue, back: back, next: sheets.next,
                firstPage: sheets.first,
                sizes: Label.Size.allCases.map {
                    LabelsPage.Size(value: $0.rawValue, label: $0.label, selected: $0 == size)
                },
                hidden: others.sorted { $0.key < $1.key }.map { LabelsPage.Hidden(name: $0.key, value: $0.value) },
                zpl: back == "/samples"
                    ? "/api/v1/samples/labels.zpl?" + query.filters(SampleStore.Filter.parameters + ["size"]) : nil))
    }

    /// `labels.mustache`.
    struct LabelsPage: Encodable {
        /// One label of the sheet; `barcode` and `qr` are SVG.
        struct Sheet: Encodable {
            let code: String
            let lines: [String]
            let barcode: String
            let qr: String
        }
        struct Size: Encodable {
            let value: String
            let label: String
            let selected: Bool
        }
        /// The list's other query parameters, kept when the size changes.
        struct Hidden: Encodable {
            let name: String
            let value: String
        }
        /// The query of the next sheet of a sample selection and the link to its first, when there is one.
        struct Pages {
            let next: String?
            let first: String?
        }
        let labels: [Sheet]
        let count: Int
        let empty: Bool
        let size: String
        let back: String
        let next: String?
        let firstPage: String?
        let sizes: [Size]
        let hidden: [Hidden]
        /// The ZPL file of the same labels; only sample selections have one.
        let zpl: String?
    }

    package init(samples: SampleStore, storage: StorageStore, pages: PageRenderer) {
        self.samples = samples
        self.storage = storage
        self.pages = pages
    }
}

extension StorageStore {
    /// Labels for a container and the containers in it, each coded with its id and named by address.
    package func labels(for id: Int64) async throws -> [Label] {
        try await database.read { db in
            guard let container = try StorageContainer.fetchOne(db, key: id) else {
                throw APIError.notFound("No container has id \(id).")
            }
            let children = try StorageContainer.filter(StorageContainer.CodingKeys.parentId == id)
                .order(StorageContainer.CodingKeys.name).fetchAll(db)
            return try ([container] + children).map { item in
                Label(
                    code: "LBX-C\(item.id ?? 0)",
                    lines: [try Self.address(db, container: item.id ?? 0, position: nil), item.kind.rawValue])
            }
        }
    }
}
