namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// A model's output head — final norm and output projection — applied to a batch of hidden vectors. The evaluation
/// calls it from one thread at a time. The command line passes the real head (the patched llama.cpp's
/// llama_jump_head, exact); tests pass a fake one.
/// </summary>
public interface IHead
{
    int NEmbd { get; }

    int NVocab { get; }

    /// <summary>logits[rows][n_vocab] = head(hidden[rows][n_embd]), both row-major; <paramref name="hidden"/> holds
    /// at least rows·n_embd floats and <paramref name="logits"/> at least rows·n_vocab.</summary>
    void Apply(ReadOnlySpan<float> hidden, int rows, Span<float> logits);
}
