"""Schemathesis hooks for LabBox's API: CSV request bodies are sent as the text they are."""
import schemathesis


@schemathesis.serializer("text/csv")
class CSVSerializer:
    def as_requests(self, context, value):
        text = value if isinstance(value, str) else str(value)
        return {"data": text.encode("utf-8")}

    def as_werkzeug(self, context, value):
        return self.as_requests(context, value)
