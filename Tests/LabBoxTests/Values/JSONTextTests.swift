import Foundation
import LabBoxValues
import Testing

struct JSONTextTests {
    /// Numbers are written digit by digit into the JSON; they must read back as the same numbers,
    /// the ends of `Int64` and zero included.
    @Test func integersAreWrittenAsTheyReadBack() throws {
        for value: Int64 in [0, 7, -7, 10, 1_000_000, -40_213, .max, .min] {
            var json: [UInt8] = Array("[".utf8)
            JSONText.append(value, to: &json)
            json.append(UInt8(ascii: "]"))
            #expect(String(decoding: json, as: UTF8.self) == "[\(value)]")
            let parsed = try JSONDecoder().decode([Int64].self, from: Data(json))
            #expect(parsed == [value])
        }
    }
}
