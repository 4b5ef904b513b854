import LabBoxServer

// The JSON API documentation of WebhooksAPIController's routes.

extension APIOperation {
    private static let deliveryHeaders =
        "Each delivery is a POST of the event as JSON with the headers X-LabBox-Event (the type), X-LabBox-Delivery (the delivery's id), X-LabBox-Timestamp (Unix seconds) and X-LabBox-Signature: sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\" keyed with the endpoint's secret>. A 2xx answer delivers it; network errors, timeouts (10 s), 408, 429 and 5xx are retried with exponential backoff, 8 attempts in all; any other answer fails it. docs/API.md shows how to verify a signature."

    package static let listWebhookEvents = APIOperation(
        "Webhook event types",
        "The events an endpoint may subscribe to, each with the fields of its data object. Every body is {\"id\",\"type\",\"occurred_at\",\"entity\":{\"type\",\"id\"},\"data\":{…}}; id is evt_<audit sequence number>, the same for every endpoint and redelivery of the event.",
        responses: [200: .json(.object(["items": .array(.webhookEventType)], required: ["items"]), "The catalog.")])

    package static let listWebhooks = APIOperation(
        "Webhook endpoints", "Every endpoint, by name. Secrets are never shown again after they are made.",
        responses: [200: .json(.object(["items": .array(.webhookEndpoint)], required: ["items"]), "The endpoints.")])

    package static let createWebhook = APIOperation(
        "Add a webhook endpoint",
        "name, url (http or https, any host: the receiver is usually on the lab's network) and events are required; enabled defaults to true. LabBox makes the signing secret and returns it in this answer only. Audited (without the secret). "
            + deliveryHeaders,
        body: .json(.webhookEndpointInput),
        responses: [
            201: .json(.webhookEndpointWithSecret, "The endpoint, with its secret."), 400: "A malformed body.",
            422: "A rule broken (field names it).",
        ])

    package static let webhook = APIOperation(
        "A webhook endpoint", parameters: [.id],
        responses: [200: .json(.webhookEndpoint, "The endpoint."), 404: "No such endpoint."])

    package static let changeWebhook = APIOperation(
        "Change a webhook endpoint",
        "The fields given. A disabled endpoint gets no new deliveries, and its pending ones wait until it is enabled again. Audited.",
        parameters: [.id], body: .json(.webhookEndpointChange),
        responses: [
            200: .json(.webhookEndpoint, "The endpoint."), 400: "A malformed body.", 404: "No such endpoint.",
            422: "A rule broken (field names it).",
        ])

    package static let deleteWebhook = APIOperation(
        "Delete a webhook endpoint", "With its delivery log; nothing more is sent to it. Audited.", parameters: [.id],
        responses: [204: .empty("Deleted."), 404: "No such endpoint."])

    package static let rotateWebhookSecret = APIOperation(
        "Make a new signing secret",
        "Replaces the endpoint's secret and returns the new one, this once; every attempt from now on is signed with it. Audited (without the secret).",
        parameters: [.id],
        responses: [
            200: .json(.webhookEndpointWithSecret, "The endpoint, with its new secret."), 404: "No such endpoint.",
        ])

    package static let testWebhook = APIOperation(
        "Send a test event",
        "Queues a ping event (data.message) to the endpoint; its delivery shows in the log. Audited.",
        parameters: [.id],
        responses: [
            202: .json(.webhookDelivery, "The queued delivery."), 404: "No such endpoint.",
            409: "The endpoint is disabled.",
        ])

    package static let webhookDeliveries = APIOperation(
        "An endpoint's delivery log",
        "Newest first: each delivery's state, attempts, the last attempt's HTTP status, duration and the first 1,000 bytes of the answer, or its error.",
        parameters: [
            .id, .query("state", "Only this state.", .enumeration(["pending", "succeeded", "failed"])), .cursor, .limit,
        ],
        responses: [
            200: .json(.page(of: .webhookDelivery), "A page of deliveries."), 400: "A bad parameter.",
            404: "No such endpoint.",
        ])

    package static let redeliverWebhook = APIOperation(
        "Redeliver an event",
        "Queues the delivery's event again to its endpoint, the same id and body signed afresh, as a new delivery whose redelivery_of names this one. Audited.",
        parameters: [.path("id", "The delivery's id.")],
        responses: [
            202: .json(.webhookDelivery, "The new delivery."), 404: "No such delivery.",
            409: "The endpoint is disabled.",
        ])
}

extension APISchema {
    static var webhookEventNames: [String] { WebhookEvents.names }

    static let webhookEventType: APISchema = .object(
        ["name": .enumeration(webhookEventNames), "summary": .string, "fields": .array(.string)],
        required: ["name", "summary", "fields"]
    ).named("WebhookEventType")

    private static let endpointProperties: KeyValuePairs<String, APISchema> = [
        "id": .integer,
        "name": .string,
        "url": .string,
        "events": .array(.enumeration(webhookEventNames)),
        "enabled": .boolean,
        "created_at": .dateTime,
        "updated_at": .dateTime,
    ]

    static let webhookEndpoint: APISchema = .object(
        endpointProperties, required: ["id", "name", "url", "events", "enabled", "created_at", "updated_at"]
    ).named("WebhookEndpoint")

    static let webhookEndpointWithSecret: APISchema = .allOf([
        .webhookEndpoint,
        .object(
            ["secret": .string.described("whsec_…: keep it with the receiver; LabBox does not show it again.")],
            required: ["secret"]),
    ]).named("WebhookEndpointWithSecret")

    private static let inputProperties: KeyValuePairs<String, APISchema> = [
        "name": .string(maxLength: 100),
        "url": .string(maxLength: 2000).described("http:// or https://, without credentials or a #fragment."),
        "events": .array(.enumeration(webhookEventNames), minItems: 1, maxItems: 20),
        "enabled": .boolean,
    ]

    static let webhookEndpointInput: APISchema = .object(inputProperties, required: ["name", "url", "events"])
        .named("WebhookEndpointInput")

    static let webhookEndpointChange: APISchema = .object(inputProperties).named("WebhookEndpointChange")

    static let webhookDelivery: APISchema = .object(
        [
            "id": .integer,
            "endpoint_id": .integer,
            "event_id": .string.described("evt_<audit seq>, or ping_<random> for a test event."),
            "event_type": .string,
            "payload": .string.described("The JSON body exactly as signed and sent."),
            "state": .enumeration(["pending", "succeeded", "failed"]),
            "attempts": .integer,
            "next_attempt_at": .dateTime,
            "last_attempt_at": .dateTime.nullable,
            "response_code": .integer.nullable,
            "duration_ms": .integer.nullable,
            "response_body": .string.described("The first 1,000 bytes of the last answer."),
            "error": .string,
            "redelivery_of": .integer.nullable,
            "created_at": .dateTime,
        ],
        required: [
            "id", "endpoint_id", "event_id", "event_type", "payload", "state", "attempts", "next_attempt_at",
            "response_body", "error", "created_at",
        ]
    ).named("WebhookDelivery")
}
