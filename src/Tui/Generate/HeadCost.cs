using LlamaJump.Interop.Gguf;

namespace LlamaJump.Tui.Generate;

/// <summary>The output head's cost in block equivalents: its weight bytes over one block's (single-token decoding
/// reads every weight once, so bytes stand for time). Ties the head to token_embd when the model has no output tensor.</summary>
public static class HeadCost
{
    public static double InBlocks(string modelPath)
    {
        var file = GgufFile.Read(modelPath);
        long blocks = 0;
        long head = 0, embedding = 0;
        foreach (var tensor in file.Tensors)
        {
            long bytes = tensor.ByteSize ?? 0;
            if (tensor.Name.StartsWith("blk.", StringComparison.Ordinal))
                blocks += bytes;
            else if (tensor.Name == "output.weight")
                head = bytes;
            else if (tensor.Name == "token_embd.weight")
                embedding = bytes;
        }
        int nLayer = Math.Max(1, Interop.Models.ModelInfo.FromGguf(file).BlockCount);
        double perBlock = Math.Max(1, (double)blocks / nLayer);
        return (head > 0 ? head : embedding) / perBlock;
    }
}
