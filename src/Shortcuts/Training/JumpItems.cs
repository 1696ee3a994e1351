namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// What one training run iterates over: <see cref="Count"/> items per epoch, each giving, for every jump trained in
/// the run, the block whose row is the input and the row (whose block L−1 is the target).
/// </summary>
internal abstract class JumpItems
{
    public abstract int Count { get; }

    public abstract int Row(int item);

    /// <summary>The input block of jump <paramref name="group"/> for <paramref name="item"/>.</summary>
    public abstract int Block(int group, int item);

    /// <summary>The item order of epoch <paramref name="epoch"/> (1-based).</summary>
    public abstract int[] Order(int epoch);
}

/// <summary>Per-level jumps: item i is row <c>rows[i]</c>; jump g reads it from block <c>levels[g]</c>.</summary>
internal sealed class LevelItems(int[] rows, int[] levels, ulong seed) : JumpItems
{
    public override int Count => rows.Length;
    public override int Row(int item) => rows[item];
    public override int Block(int group, int item) => levels[group];
    public override int[] Order(int epoch) => JumpShuffle.Permutation(rows.Length, JumpShuffle.ForEpoch(seed, epoch));
}

/// <summary>The joint jump: item p = k·n + i is row <c>rows[i]</c> read from exit level k, for k = 0 … levels−1.</summary>
internal sealed class PooledItems(int[] rows, int levels, ulong seed) : JumpItems
{
    public override int Count => rows.Length * levels;
    public override int Row(int item) => rows[item % rows.Length];
    public override int Block(int group, int item) => item / rows.Length;
    public override int[] Order(int epoch) => JumpShuffle.Permutation(Count, JumpShuffle.ForPooledEpoch(seed, epoch));
}
