namespace LlamaJump.Interop;

// The patch API takes several ints side by side (sequence, position, block). These wrappers make a swapped argument a
// compile error; they convert from int only explicitly, so every call site names what it passes.

/// <summary>A transformer block, 0 … n_layer − 1 (block n_layer − 1 is the last one, the input of the head).</summary>
public readonly record struct BlockIndex(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A sequence of the KV cache (llama_seq_id).</summary>
public readonly record struct SequenceId(int Value)
{
    public static readonly SequenceId First = new(0);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A token position within a sequence (llama_pos).</summary>
public readonly record struct TokenPosition(int Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
