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
    public static void Write(RandomModelSpec spec, GgmlType weightType, string vocabPath, string outputPath, IRowQuantizer? quantizer = null) =>
        Write(RandomModelPlan.Create(spec, weightType, vocabPath), outputPath, quantizer);

    /// <param name="quantizer">Required when the plan <see cref="RandomModelPlan.IsQuantized"/>.</param>
    /// <param name="tensorWritten">Called after each tensor with the bytes of its data (they add up to
    /// <see cref="RandomModelPlan.DataBytes"/>), on the calling thread.</param>
    /// <param name="cancel">Checked before each tensor; cancelling throws <see cref="OperationCanceledException"/>
    /// and deletes the partial file.</param>
    public static void Write(RandomModelPlan plan, string outputPath, IRowQuantizer? quantizer = null, Action<long>? tensorWritten = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsQuantized && quantizer is null)
            throw new ArgumentException($"{plan.Name} has quantised tensors; writing it needs a quantiser", nameof(quantizer));
        var spec = plan.Spec;
        using var writer = new GgufWriter(outputPath);
        writer.SetMetadata("general.architecture", spec.Architecture)
            .SetMetadata("general.name", plan.Name)
            .SetMetadata("general.file_type", WeightTypes.FileType(plan.WeightType))
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
                RandomModelWeights.Write(stream, tensor, type, spec.Seed, spec.InitStd, quantizer);
                tensorWritten?.Invoke(bytes);
            });
        }
        writer.Complete();
    }
}
