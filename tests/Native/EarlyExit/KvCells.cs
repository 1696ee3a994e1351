using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Tests.Native.Capture;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>The K/V cache of sequence 0 read back through <see cref="NativeEarlyExit.ReadKv"/>, cell by cell.</summary>
internal static class KvCells
{
    /// <summary>[block][position]: the K and V rows of the cells at positions 0 … <paramref name="positions"/> − 1,
    /// for a model with as many KV heads as heads (rows n_embd wide).</summary>
    public static (float[] K, float[] V)[][] Read(ModelSession session, int positions) =>
        Enumerable.Range(0, session.NLayer)
            .Select(block => Enumerable.Range(0, positions)
                .Select(pos => NativeEarlyExit.ReadKv(session.Context, SequenceId.First, new TokenPosition(pos), new BlockIndex(block), session.NEmbd, session.NEmbd)).ToArray())
            .ToArray();

    /// <summary>The largest |difference| of K or V between two reads of one block over the given positions.</summary>
    public static double MaxDiff((float[] K, float[] V)[] a, (float[] K, float[] V)[] b, IEnumerable<int> positions) =>
        positions.Select(p => Math.Max(Floats.MaxAbsDiff(a[p].K, b[p].K), Floats.MaxAbsDiff(a[p].V, b[p].V))).DefaultIfEmpty(0).Max();
}
