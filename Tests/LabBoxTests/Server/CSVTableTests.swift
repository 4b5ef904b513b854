import Foundation
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct CSVTableTests {
    private let columns = ["external_id", "species", "notes"]

    /// Found by fuzzing (Tests/fuzz/corpus/csv/value-beyond-last-column): the value was dropped and
    /// the row imported as blank, so an export read back one row less.
    @Test func aValueBeyondTheLastColumnIsRefusedWithItsRow() throws {
        let error = try #require(throws: APIError.self) {
            try CSVTable.rows("NOTES\n,y\n", columns: columns, required: [])
        }
        #expect(error.field == "file")
        #expect(error.message == "Row 2 has a value beyond the last column, \"notes\".")
        #expect(throws: APIError.self) {
            try CSVTable.rows("external_id,species\nA-1,bovine\nA-2,bovine,oops\n", columns: columns, required: [])
        }
    }

    /// Found by fuzzing (Tests/fuzz/corpus/csv/column-twice): the second column's values were dropped.
    @Test func aColumnNamedTwiceIsRefused() throws {
        let error = try #require(throws: APIError.self) {
            try CSVTable.rows("notes,species,Notes\n,,y\n", columns: columns, required: [])
        }
        #expect(error.message == "The column \"notes\" appears twice.")
    }

    @Test func emptyCellsBeyondTheLastColumnAreTrailingSeparators() throws {
        let rows = try CSVTable.rows("external_id,species\nA-1,bovine,,\n,,\n", columns: columns, required: [])
        #expect(rows == [["external_id": "A-1", "species": "bovine"]])
    }
}
