import Foundation
import GRDB
import LabBoxValues

extension Row {
    /// The date in column `index`, read by ``Foundation/Date/init(databaseText:)`` when it is text
    /// in the form LabBox writes, else by GRDB's own conversion (numbers, other SQLite forms).
    package func date(atIndex index: Int) -> Date {
        // Read as text through GRDB's direct column access (no `DatabaseValue` in between).
        if let text: String = self[index], let date = Date(databaseText: text) { return date }
        return self[index]
    }
}
