using LlamaJump.Gguf;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>
/// The ideal decode cost of each mode in weight bytes read per generated token: a one-token decode is memory-bound
/// (every weight it uses is read once), so bytes stand for time. A block costs its tensors' bytes B, the head H
/// (output projection, or the tied embedding), a check J + H (the jump's f32 weights and the head), state
/// propagation the K and V projections KV of every skipped block. A small batch (recompute's two tokens) reads the
/// weights once, like one token. Spec planning uses Head / Block as the head's cost in blocks.
/// </summary>
public sealed record ExitCostModel(int NLayer, double Block, double Head, double KvProjections, double Jump)
{
    public static ExitCostModel Read(string modelPath, int rank)
    {
        var file = GgufFile.Read(modelPath);
        var info = ModelInfo.FromGguf(file);
        double blocks = 0, kv = 0, output = 0, embedding = 0;
        foreach (var tensor in file.Tensors)
        {
            double bytes = tensor.ByteSize ?? 0;
            if (tensor.Name.StartsWith("blk.", StringComparison.Ordinal))
            {
                blocks += bytes;
                if (tensor.Name.EndsWith(".attn_k.weight", StringComparison.Ordinal) || tensor.Name.EndsWith(".attn_v.weight", StringComparison.Ordinal))
                    kv += bytes;
            }
            else if (tensor.Name == "output.weight")
                output = bytes;
            else if (tensor.Name == "token_embd.weight")
                embedding = bytes;
        }
        int n = Math.Max(1, info.BlockCount);
        double jump = (2.0 * info.EmbeddingLength * rank + 2.0 * info.EmbeddingLength) * sizeof(float);
        return new ExitCostModel(n, blocks / n, output > 0 ? output : embedding, kv / n, jump);
    }

    public double Full => NLayer * Block + Head;

    /// <summary>Every token checked at <paramref name="checks"/> candidate blocks, none passing.</summary>
    public double AllChecks(int checks) => Full + checks * (Jump + Head);

    /// <summary>Every token exits after block k (one check there) and propagates to the skipped blocks.</summary>
    public double FixedPropagate(int k) => (k + 1) * Block + Jump + Head + (NLayer - 1 - k) * KvProjections;

    /// <summary>Exits after block k alternate with full-depth steps that also recompute the exited token.</summary>
    public double FixedRecompute(int k) => ((k + 1) * Block + Jump + Head + Full) / 2;

    /// <summary>Speed-up over full depth that <paramref name="cost"/> allows.</summary>
    public double IdealSpeedup(double cost) => Full / cost;
}
