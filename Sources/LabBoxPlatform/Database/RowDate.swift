import Foundation
import GRDB
import GRDBSQLite
import LabBoxValues

extension Row {
    /// The date in column `index`, read by ``Foundation/Date/init(databaseText:)`` when it is text
    /// in the form LabBox writes, else by GRDB's own conversion (numbers, other SQLite forms).
    package func date(atIndex index: Int) -> Date {
        (self[index] as StoredDate).date
    }
}

/// A date column parsed where SQLite holds its text: no `String` is made for it on the way (a
/// page of fifty samples reads 150 dates; docs/BENCHMARKS.md, ninth round).
private struct StoredDate: DatabaseValueConvertible, StatementColumnConvertible {
    let date: Date

    init(date: Date) {
        self.date = date
    }

    init?(sqliteStatement: SQLiteStatement, index: CInt) {
        // `sqlite3_column_text` before `sqlite3_column_bytes`: the count is then the text's.
        if sqlite3_column_type(sqliteStatement, index) == SQLITE_TEXT,
            let text = sqlite3_column_text(sqliteStatement, index),
            let date = Date(
                databaseText: UnsafeBufferPointer(
                    start: text, count: Int(sqlite3_column_bytes(sqliteStatement, index))))
        {
            self.date = date
        } else {
            guard let date = Date(sqliteStatement: sqliteStatement, index: index) else { return nil }
            self.date = date
        }
    }

    var databaseValue: DatabaseValue { date.databaseValue }

    static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        if case .string(let text) = value.storage, let date = Date(databaseText: text) {
            return StoredDate(date: date)
        }
        return Date.fromDatabaseValue(value).map(StoredDate.init(date:))
    }
}
