"""Serializer building blocks shared by the apps."""

import copy


class PrebuiltFieldsMixin:
    """A ModelSerializer that works out its fields from the model once per class, then copies them.

    DRF rebuilds a ModelSerializer's fields from the model's metadata for every instance (every
    response); copying a prototype, as DRF does for declared fields, gives the same fields for a
    fraction of the cost. Only for serializers whose fields do not depend on the instance or context.
    """

    def get_fields(self):
        prototype = type(self).__dict__.get("_prebuilt_fields")
        if prototype is None:
            prototype = super().get_fields()
            type(self)._prebuilt_fields = prototype
        return copy.deepcopy(prototype)
