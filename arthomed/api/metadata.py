"""What `OPTIONS` answers: the operation's name, description and media types.

DRF's default also describes each write's input by calling `get_serializer()`, which
ViewSets here do not define (every action names its own input serializer): the answer
leaves that part out rather than failing.
"""

from rest_framework.metadata import SimpleMetadata


class OperationMetadata(SimpleMetadata):
    def determine_actions(self, request, view) -> dict:
        return {}
