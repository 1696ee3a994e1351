using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>
/// Writes a random-weight model with <see cref="GgufWriter"/>: general.* of its own, the plan's
/// <see cref="RandomModelPlan.Identity"/>, the keys of a test model's variants (quiet blocks, stream rank, head scale;
/// see <see cref="RandomModelPlan"/>), the architecture's hyperparameters (<see cref="RandomModelLayout"/>),
/// every tokenizer.* key of the vocab file, then the tensors with data from <see cref="RandomModelWeights"/>,
/// streamed one chunk at a time (a 24-block, 1024-wide F16 llama of 0.75 GB needs a few MB of memory).
/// The file is built as <c>path.tmp</c> and renamed to the path only when complete; on failure or cancellation
/// nothing is left under either name. The same plan always gives the same bytes.
/// </summary>
public static class RandomModelBuilder
{
    /// <summary>Plans and writes in one go; see <see cref="RandomModelPlan.Create"/> for what it throws.</summary>
    public static void Write(RandomModelSpec spec, GgmlType weightType, string vocabPath, string outputPath) =>
        Write(RandomModelPlan.Create(spec, weightType, vocabPath), outputPath);

    /// <param name="tensorWritten">Called after each tensor with the bytes of its data (they add up to
    /// <see cref="RandomModelPlan.DataBytes"/>), on the calling thread.</param>
    /// <param name="cancel">Checked before each tensor; cancelling throws <see cref="OperationCanceledException"/>
    /// and deletes the partial file.</param>
    public static void Write(RandomModelPlan plan, string outputPath, Action<long>? tensorWritten = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var spec = plan.Spec;
        using var writer = new GgufWriter(outputPath);
        writer.SetMetadata("general.architecture", spec.Architecture)
            .SetMetadata("general.name", plan.Name)
            .SetMetadata("general.file_type", FileType(plan.WeightType))
            .SetMetadata(RandomModelPlan.IdentityKey, plan.Identity);
        if (spec.Quiet is { } quiet)
            writer.SetMetadata(RandomModelPlan.QuietAfterKey, quiet.After).SetMetadata(RandomModelPlan.QuietScaleKey, quiet.Scale);
        if (spec.StreamRank is { } rank)
            writer.SetMetadata(RandomModelPlan.StreamRankKey, rank);
        if (spec.HeadScale != 1)
            writer.SetMetadata(RandomModelPlan.HeadScaleKey, spec.HeadScale);
        RandomModelLayout.WriteHyperparameters(writer, spec, plan.VocabSize);
        writer.CopyMetadata(plan.Vocab, key => key.StartsWith("tokenizer.", StringComparison.Ordinal));

        foreach (var tensor in plan.Tensors)
        {
            var type = plan.TypeOf(tensor);
            long bytes = GgufWriter.TensorByteSize(type, tensor.Dims);
            writer.AddTensor(tensor.Name, type, tensor.Dims, stream =>
            {
                cancel.ThrowIfCancellationRequested();
                RandomModelWeights.Write(stream, tensor, type, spec.Seed, spec.InitStd);
                tensorWritten?.Invoke(bytes);
            });
        }
        writer.Complete();
    }

    /// <summary>llama_ftype: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_BF16 = 32.</summary>
    private static uint FileType(GgmlType weightType) => weightType switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "random models hold F32, F16 or BF16 weights"),
    };
}
