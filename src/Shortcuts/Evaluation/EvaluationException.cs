namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>The samples, the jumps and the head do not fit together, or they produce non-finite logits; the message
/// is one line that names the level, method and test row where it applies.</summary>
public sealed class EvaluationException(string message) : Exception(message);
