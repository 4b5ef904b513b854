import CustomFields
import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The API's JSON for samples, written field by field with ``JSONText``: a page of fifty spent
/// half its time in `JSONEncoder`. It equals the `Encodable` form, which a test checks.
extension Sample: ResponseGenerator {
    /// The sample's JSON, with `custom_fields` when they are given.
    package func appendJSON(to json: inout [UInt8], customFields: [String: CustomValue]? = nil) {
        // Each key is written with its punctuation as one constant (`,"kind":`): key by key, the
        // quotes and separators were a third of a page's JSON.
        func field(_ key: StaticString, _ value: String?, quoted: Bool = true) {
            JSONText.append(raw: key, to: &json)
            guard let value else {
                json += "null".utf8
                return
            }
            if quoted { JSONText.append(value, to: &json) } else { json += value.utf8 }
        }
        func number(_ key: StaticString, _ value: Int64?) {
            JSONText.append(raw: key, to: &json)
            if let value { JSONText.append(value, to: &json) } else { json += "null".utf8 }
        }
        // Written straight into the JSON: a page of fifty has 150 times.
        func date(_ key: StaticString, _ value: Date) {
            JSONText.append(raw: key, to: &json)
            json.append(UInt8(ascii: "\""))
            value.appendRFC3339(to: &json)
            json.append(UInt8(ascii: "\""))
        }
        number(#"{"id":"#, id)
        field(#","external_id":"#, externalId)
        field(#","species":"#, species)
        field(#","kind":"#, kind)
        field(#","status":"#, status.rawValue)
        number(#","animal_id":"#, animalId)
        date(#","collected_at":"#, collectedAt)
        field(#","notes":"#, notes)
        number(#","container_id":"#, containerId)
        number(#","position":"#, position.map(Int64.init))
        field(#","collected_by":"#, collectedBy)
        field(#","quantity":"#, quantity.map(JSONText.number), quoted: false)
        field(#","unit":"#, unit)
        number(#","doses":"#, doses.map(Int64.init))
        number(#","freeze_thaw_count":"#, Int64(freezeThawCount))
        date(#","created_at":"#, createdAt)
        date(#","updated_at":"#, updatedAt)
        if let customFields {
            json += #","custom_fields":"#.utf8
            CustomValues.appendJSON(customFields, to: &json)
        }
        json.append(UInt8(ascii: "}"))
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var json: [UInt8] = []
        json.reserveCapacity(512)
        appendJSON(to: &json)
        return JSONText.response(json)
    }
}

/// A sample as its own routes answer: its JSON with its custom fields.
package struct SampleDetail: ResponseGenerator, Sendable {
    package let sample: Sample
    package let customFields: [String: CustomValue]

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var json: [UInt8] = []
        json.reserveCapacity(640)
        sample.appendJSON(to: &json, customFields: customFields)
        return JSONText.response(json)
    }
}

/// `GET /api/v1/samples`: `{"items":[…],"next_cursor":…}` as ``KeysetPage`` encodes it, each
/// sample with its custom fields.
package struct SamplePage: ResponseGenerator {
    package let items: [Sample]
    package let customFields: [Int64: [String: CustomValue]]
    package let next: KeysetPosition?

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var json: [UInt8] = Array(#"{"items":["#.utf8)
        json.reserveCapacity(512 * items.count + 64)
        for (index, sample) in items.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            sample.appendJSON(to: &json, customFields: customFields[sample.id ?? 0] ?? [:])
        }
        json += #"],"next_cursor":"#.utf8
        if let next { JSONText.append(Cursor.encode(next), to: &json) } else { json += "null".utf8 }
        json.append(UInt8(ascii: "}"))
        return JSONText.response(json)
    }

    package init(items: [Sample], customFields: [Int64: [String: CustomValue]], next: KeysetPosition?) {
        self.items = items
        self.customFields = customFields
        self.next = next
    }
}
