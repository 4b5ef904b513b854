import GRDB
import LabBoxPlatform
import LabBoxValues

/// A list exported straight from SQL, for the records whose lists are simple (OPU sessions,
/// embryos, the test catalog…): columns as SQL expressions over `from`, keyed and ordered by
/// `key`, filtered by query parameters each compared by its own condition.
package struct SQLExport: Sendable {
    /// A query parameter of the export and the condition it puts on the rows (SQL with one `?`).
    package struct Filter: Sendable {
        package enum Kind: Sendable {
            /// A record id; `table` must hold it (else 422).
            case id(table: String)
            case choice([String])
            /// A day, `YYYY-MM-DD` (else 400), compared as text with a day column.
            case day
        }
        package let name: String
        package let description: String
        package let kind: Kind
        package let condition: String

        package init(_ name: String, _ description: String, _ kind: Kind, condition: String) {
            self.name = name
            self.description = description
            self.kind = kind
            self.condition = condition
        }

        var parameter: APIParameter {
            switch kind {
            case .id: .query(name, description, .recordID)
            case .choice(let values): .query(name, description, .enumeration(values))
            case .day: .query(name, description, .date)
            }
        }
    }

    package let name: String
    package let title: String
    /// `samples` as in "Export samples as CSV".
    package let noun: String
    package let permission: Permission
    package let from: String
    package let key: String
    package let columns: [(header: String, expression: String)]
    package let filters: [Filter]

    package init(
        name: String, title: String, noun: String, permission: Permission, from: String, key: String,
        columns: [(header: String, expression: String)], filters: [Filter] = []
    ) {
        self.name = name
        self.title = title
        self.noun = noun
        self.permission = permission
        self.from = from
        self.key = key
        self.columns = columns
        self.filters = filters
    }

    package var operations: (export: APIOperation, job: APIOperation) {
        let parameters = filters.map(\.parameter)
        return (.csvExport(noun, filters: parameters), .csvExportJob(noun, filters: parameters))
    }

    /// The export reading `database`; its filter is the checked parameters, by name.
    package func export(_ database: AppDatabase) -> CSVExport {
        let (filters, from, key) = (filters, from, key)
        let selection = columns.map(\.expression).joined(separator: ", ")
        @Sendable func conditions(_ values: [String: String]) -> (sql: String, arguments: [String]) {
            let given = filters.filter { values[$0.name] != nil }
            return (
                given.map { " AND (\($0.condition))" }.joined(), given.map { values[$0.name] ?? "" }
            )
        }
        return CSVExport(
            name: name, title: title, permission: permission, columns: columns.map(\.header),
            filter: { request, _ in
                let query = ListQuery(request)
                var values: [String: String] = [:]
                for filter in filters {
                    switch filter.kind {
                    case .id(let table):
                        guard let id = try query.id(filter.name) else { continue }
                        let exists = try await database.read { db in
                            try Bool.fetchOne(
                                db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id])
                        }
                        guard exists == true else {
                            throw APIError.validationFailed("No record has id \(id).", field: filter.name)
                        }
                        values[filter.name] = String(id)
                    case .choice(let allowed):
                        values[filter.name] = try query.choice(filter.name, in: allowed)
                    case .day:
                        values[filter.name] = try query.day(filter.name)
                    }
                }
                return values
            },
            count: { values in
                let (sql, arguments) = conditions(values)
                return try await database.read { db in
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM \(from) WHERE 1\(sql)", arguments: StatementArguments(arguments))
                        ?? 0
                }
            },
            rows: { values, after, limit, _ in
                let (sql, arguments) = conditions(values)
                return try await database.read { db in
                    let statement = try db.cachedStatement(
                        sql: "SELECT \(key), \(selection) FROM \(from) WHERE \(key) > ?\(sql) ORDER BY \(key) LIMIT ?")
                    return try Row.fetchAll(
                        statement, arguments: [after] + StatementArguments(arguments) + [limit]
                    ).map { row in
                        let cells: [String] = (1..<row.count).map { index in
                            let value: DatabaseValue = row[index]
                            return value.isNull ? "" : String.fromDatabaseValue(value) ?? value.description
                        }
                        let key: Int64 = row[0]
                        return (key, cells)
                    }
                }
            })
    }
}
