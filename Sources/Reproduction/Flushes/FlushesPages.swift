import Foundation
import LabBoxServer
import LabBoxValues

// The forms of the flush and superovulation pages, and the typed models of their templates.

extension FlushesWebController {
    /// `flushes/flush-new.mustache`, as shown and as posted.
    struct FlushForm: Codable {
        var donorId: String?
        var sireId: String?
        var semenSampleId: String?
        var superovulationId: String?
        var flushedOn: String?
        var `operator`: String?
        var day: String?
        var recovered: String?
        var unfertilised: String?
        var degenerate: String?
        var codes: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case day, recovered, unfertilised, degenerate, codes, notes
            case `operator`
            case donorId = "donor_id"
            case sireId = "sire_id"
            case semenSampleId = "semen_sample_id"
            case superovulationId = "superovulation_id"
            case flushedOn = "flushed_on"
        }

        /// A new form: the donor and superovulation the link names (from a schedule), today, day 7.
        init(_ query: ListQuery) {
            donorId = query["donor_id"]
            superovulationId = query["superovulation_id"]
            flushedOn = Day.today
            day = "7"
        }

        func input() throws -> FlushStore.Input {
            .init(
                donorId: try FormText.id(donorId, field: "donor_id"), sireId: try FormText.id(sireId, field: "sire_id"),
                semenSampleId: try FormText.id(semenSampleId, field: "semen_sample_id"),
                superovulationId: try FormText.id(superovulationId, field: "superovulation_id"),
                flushedOn: FormText.text(flushedOn), operator: `operator`, day: try FormText.int(day, field: "day"),
                recovered: try FormText.int(recovered, field: "recovered"),
                unfertilised: try FormText.int(unfertilised, field: "unfertilised"),
                degenerate: try FormText.int(degenerate, field: "degenerate"),
                embryos: try EmbryosWebController.codes(FormText.text(codes)), notes: notes)
        }
    }

    /// A protocol's fields and its step rows (`step_day_3`, `step_kind_3`…): the saved steps and
    /// a few empty rows to add more. A row left wholly empty is no step.
    struct ProtocolForm: Encodable {
        struct Step: Encodable {
            let number: Int
            let day: String
            let time: String
            let kinds: [Choice]
            let amount: String
            let unit: String
            let note: String
        }
        var name = ""
        var species = ""
        var notes = ""
        var steps: [Step] = []
        var archived = false

        static let emptyRows = 4

        init() { steps = Self.rows([]) }

        init(_ item: SuperovulationProtocol) {
            name = item.name
            species = item.species
            notes = item.notes
            archived = item.archivedAt != nil
            steps = Self.rows(
                item.steps.map {
                    ($0.day.description, $0.time, $0.kind.rawValue, $0.amount.map(Dose.text) ?? "", $0.unit, $0.note)
                })
        }

        init(posted: FieldsByID) {
            let values = posted.values
            name = values["name"] ?? ""
            species = values["species"] ?? ""
            notes = values["notes"] ?? ""
            let numbers = Set(posted.byID(prefix: "step_kind_").keys).union(posted.byID(prefix: "step_day_").keys)
                .sorted().prefix(SuperovulationStore.maximumSteps + Self.emptyRows)
            let rows = numbers.map { number -> (String, String, String, String, String, String) in
                let field = { (name: String) in values["step_\(name)_\(number)"] ?? "" }
                return (field("day"), field("time"), field("kind"), field("amount"), field("unit"), field("note"))
            }
            steps = Self.rows(rows.filter { !Self.isEmpty($0) })
        }

        private static func isEmpty(_ row: (String, String, String, String, String, String)) -> Bool {
            [row.0, row.1, row.3, row.4, row.5].allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        }

        private static func rows(_ values: [(String, String, String, String, String, String)]) -> [Step] {
            let all = values + Array(repeating: ("", "", "fsh", "", "", ""), count: emptyRows)
            return all.enumerated().map { index, row in
                Step(
                    number: index + 1, day: row.0, time: row.1,
                    kinds: SuperovulationStepKind.allCases.map {
                        Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == row.2)
                    }, amount: row.3, unit: row.4, note: row.5)
            }
        }

        /// The steps filled in; a malformed number is named by its step.
        func input() throws -> SuperovulationStore.ProtocolInput {
            let filled = steps.filter { !Self.isEmpty(($0.day, $0.time, "", $0.amount, $0.unit, $0.note)) }
            let inputs = try filled.enumerated().map { index, step in
                let which = "Step \(index + 1): "
                guard let day = Int(step.day.trimmingCharacters(in: .whitespaces)) else {
                    throw APIError.validationFailed("\(which)give the day as a whole number.", field: "steps")
                }
                let amountText = step.amount.trimmingCharacters(in: .whitespaces)
                let amount = amountText.isEmpty ? nil : Double(amountText.replacingOccurrences(of: ",", with: "."))
                if !amountText.isEmpty && amount == nil {
                    throw APIError.validationFailed("\(which)the dose is a number.", field: "steps")
                }
                return SuperovulationStore.StepInput(
                    day: day, time: step.time, kind: step.kinds.first(where: \.selected)?.value, amount: amount,
                    unit: step.unit, note: step.note)
            }
            return .init(name: name, species: species, notes: notes, steps: inputs)
        }
    }

    /// `flushes/superovulation-new.mustache`.
    struct StartForm: Codable {
        var donorId: String?
        var protocolId: String?
        var startedOn: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case notes
            case donorId = "donor_id"
            case protocolId = "protocol_id"
            case startedOn = "started_on"
        }

        init(_ query: ListQuery) {
            donorId = query["donor_id"]
            startedOn = Day.today
        }

        func input() throws -> SuperovulationStore.StartInput {
            .init(
                donorId: try FormText.id(donorId, field: "donor_id"),
                protocolId: try FormText.id(protocolId, field: "protocol_id"), startedOn: FormText.text(startedOn),
                notes: notes)
        }
    }

    struct DoneForm: Decodable {
        var day: String?
    }

    struct CancelForm: Decodable {
        var reason: String?
    }
}

/// `flushes/flushes.mustache`: the list.
struct FlushesPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let code: String
        let donorId: Int64
        let donor: String
        let flushedOn: String
        let `operator`: String
        let recovered: Int
        let unfertilised: Int
        let degenerate: Int
        let graded: Int
        let transferable: Int

        init(_ line: FlushStore.Line) {
            id = line.flush.id ?? 0
            code = line.flush.code
            donorId = line.flush.donorId
            donor = line.donor
            flushedOn = line.flush.flushedOn
            self.`operator` = line.flush.`operator`
            recovered = line.flush.recovered
            unfertilised = line.flush.unfertilised
            degenerate = line.flush.degenerate
            graded = line.graded
            transferable = line.transferable
        }
    }
    let flushes: [Row]
    let empty: Bool
    let next: String?
    let firstPage: String?
    let donorId: String
    let from: String
    let to: String
    let canWrite: Bool
}

/// `flushes/flush-new.mustache`.
struct FlushFormPage: Encodable {
    let form: FlushesWebController.FlushForm
    let error: String?
    let superovulations: [Choice]
}

/// `flushes/flush.mustache`: one flush and its embryos.
struct FlushPage: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
        let href: String?
    }
    struct Row: Encodable {
        let code: String
        let day: Int
        let iets: String
        let stage: String
        let grade: String
        let fate: String
    }
    let code: String
    let facts: [Fact]
    let embryos: [Row]
    let noEmbryos: Bool
    let notes: String?

    init(_ detail: FlushStore.Detail) {
        let flush = detail.flush
        code = flush.code
        let rows: [(String, String?, String?)] = [
            ("Donor", detail.donor, "/animals/\(flush.donorId)"), ("Sire", detail.sire, "/animals/\(flush.sireId)"),
            ("Semen straw", detail.semenStraw, flush.semenSampleId.map { "/samples/\($0)" }),
            ("Superovulation", detail.superovulationCode, flush.superovulationId.map { "/superovulations/\($0)" }),
            ("Flushed on", flush.flushedOn, nil), ("Operator", flush.operator, nil),
            ("Embryos' day", "D\(flush.day)", nil), ("Ova/embryos recovered", String(flush.recovered), nil),
            ("Unfertilised (UFO)", String(flush.unfertilised), nil), ("Degenerate", String(flush.degenerate), nil),
            ("Embryos graded", String(detail.embryos.count), nil),
            ("Transferable (quality 1–3)", String(detail.transferable), nil),
        ]
        facts = rows.compactMap { label, value, href in value.map { Fact(label: label, value: $0, href: href) } }
        embryos = detail.embryos.map {
            Row(
                code: $0.code, day: $0.day, iets: $0.iets, stage: Embryo.stages[$0.stage] ?? "",
                grade: Embryo.grades[$0.grade] ?? "", fate: $0.fate.label)
        }
        noEmbryos = detail.embryos.isEmpty
        notes = flush.notes.isEmpty ? nil : flush.notes
    }
}

/// `flushes/worklist.mustache`: the steps of a day across donors.
struct WorklistPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let dueOn: String
        let dueTime: String
        let overdue: Bool
        let what: String
        let note: String
        let donorId: Int64
        let donor: String
        let runId: Int64
        let runCode: String
        let done: String?

        init(_ item: SuperovulationStore.WorkItem, time: LabTime) {
            id = item.step.id ?? 0
            dueOn = item.step.dueOn
            dueTime = item.step.dueTime
            overdue = item.overdue
            what = item.step.what
            note = item.step.note
            donorId = item.donorId
            donor = item.donor
            runId = item.step.superovulationId
            runCode = item.superovulationCode
            done = item.step.doneAt.map { "done by \(item.step.doneBy ?? "?") at \(time.text($0))" }
        }
    }
    let day: String
    let isToday: Bool
    let previous: String
    let next: String
    let items: [Row]
    let empty: Bool
    let canWrite: Bool
}

/// `flushes/protocols.mustache`.
struct ProtocolsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let name: String
        let species: String
        let steps: Int
        let days: Int
        let flushDay: String

        init(_ item: SuperovulationProtocol) {
            id = item.id ?? 0
            name = item.name
            species = item.species
            steps = item.steps.count
            days = (item.steps.map(\.day).max() ?? 0) + 1
            flushDay = item.steps.first { $0.kind == .flush }.map { "day \($0.day)" } ?? "—"
        }
    }
    let protocols: [Row]
    let empty: Bool
    let archived: Bool
    let canWrite: Bool
}

/// `flushes/protocol.mustache`: a new protocol, or one to read and change.
struct ProtocolPage: Encodable {
    let id: Int64?
    let form: FlushesWebController.ProtocolForm
    let error: String?
    /// Not `species`: inside `{{#form}}` that name is the form's own value.
    let speciesChoices: [Choice]
    let archived: Bool
    let canWrite: Bool
}

/// `flushes/superovulation-new.mustache`.
struct StartPage: Encodable {
    let form: FlushesWebController.StartForm
    let error: String?
    let protocols: [Choice]
    let noProtocols: Bool
}

/// `flushes/superovulation.mustache`: a donor's schedule.
struct SuperovulationPage: Encodable {
    struct Row: Encodable {
        let dueOn: String
        let dueTime: String
        let what: String
        let note: String
        let done: String?
    }
    let id: Int64
    let code: String
    let donorId: Int64
    let donor: String
    let protocolId: Int64
    let protocolName: String
    let startedOn: String
    let status: String
    let notes: String?
    let flushId: Int64?
    let steps: [Row]
    let canFlush: Bool
    let canCancel: Bool

    init(_ detail: SuperovulationStore.Detail, time: LabTime, canWrite: Bool) {
        let run = detail.superovulation
        id = run.id ?? 0
        code = run.code
        donorId = run.donorId
        donor = detail.donor
        protocolId = run.protocolId
        protocolName = run.protocolName
        startedOn = run.startedOn
        status = run.status.rawValue
        notes = run.notes.isEmpty ? nil : run.notes
        flushId = detail.flushId
        steps = detail.steps.map { step in
            Row(
                dueOn: step.dueOn, dueTime: step.dueTime, what: step.what, note: step.note,
                done: step.doneAt.map { "\(step.doneBy ?? "?"), \(time.text($0))" })
        }
        canFlush = canWrite && run.status == .active
        canCancel = canFlush
    }
}
