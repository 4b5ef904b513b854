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
    /// One print run at most; larger runs are split by filtering.
    package static let maximum = 500

    package func addRoutes(to routes: RouteTable) {
        routes.get("/samples/labels", .samplesRead) { request, context in
            let query = ListQuery(request)
            return try sheet(
                try await sampleLabels(query), size: try size(query), request: request, context: context,
                title: "Sample labels", back: "/samples")
        }
        routes.get("/api/v1/samples/labels.zpl", .samplesRead, .sampleLabelsAsZPL) { request, _ in
            let query = ListQuery(request)
            let size = try size(query)
            let zpl = try await sampleLabels(query).map { $0.zpl(size: size) }.joined()
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

    private func sampleLabels(_ query: ListQuery) async throws -> [Label] {
        let filter = try SampleStore.Filter(
            query, species: samples.species, kinds: samples.kinds, days: pages.time)
        return try await samples.list(filter, after: nil, limit: Self.maximum).items.map { sample in
            Label(
                code: sample.externalId,
                lines: [
                    "\(sample.species) \(sample.kind)",
                    "collected \(pages.time.day(sample.collectedAt))",
                ] + (sample.doses.map { ["\($0) doses"] } ?? []))
        }
    }

    private func sheet(
        _ labels: [Label], size: Label.Size, request: Request, context: AppRequestContext, title: String, back: String
    ) throws -> Response {
        let query = ListQuery(request)
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
                count: labels.count, empty: labels.isEmpty, size: size.rawValue, back: back,
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
        let labels: [Sheet]
        let count: Int
        let empty: Bool
        let size: String
        let back: String
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
