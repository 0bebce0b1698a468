"""The one error of the knowledge app, apart so every module of it can raise it."""


class KnowledgeError(ValueError):
    """A request that cannot be carried out, with a message for the person who asked."""
