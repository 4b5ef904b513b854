import LabBoxServer

// The JSON API documentation of the routes of Backups: each operation is named where its route is declared.

extension APIOperation {
    package static let listBackups = APIOperation(
        "List backups",
        "Archives in backups/ of the data directory, newest first.",
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.backup)
                    ]
                ), "The backups."),
            403: "Not allowed.",
        ]
    )

    package static let startBackup = APIOperation(
        "Start a backup",
        "Queues a backup job (database snapshot, attachments, manifest; then rotation).",
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
        ]
    )

    package static let downloadBackup = APIOperation(
        "Download a backup",
        "The .tar.gz archive, or the .tar.gz.enc of an encrypted backup.",
        parameters: [
            .path("name", "Archive name", .string)
        ],
        responses: [
            200: .file("application/gzip", "The archive (application/octet-stream when encrypted).", .binary),
            403: "Not allowed.",
            404: "Not found.",
        ]
    )

    package static let verifyBackup = APIOperation(
        "Verify a backup",
        "Queues a backup.verify job: checksums, integrity_check, audit chain, row counts, schema.",
        parameters: [
            .path("name", "Archive name", .string)
        ],
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
            404: "Not found.",
        ]
    )
}

extension APISchema {
    package static let backup: APISchema = .object(
        [
            "name": .string,
            "bytes": .integer,
            "created_at": .dateTime,
            "encrypted": .boolean,
            "url": .string,
        ]
    ).named("Backup")
}
