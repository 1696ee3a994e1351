namespace LlamaJump.Interop.EarlyExit;

/// <summary>
/// A jump in the form the native backend installs (llama_jump_exit_set_jump): BatchNorm in inference form over n_embd
/// features, then A [n_embd][rank] and B [rank][n_embd], row-major. Made from a trained jump by the Shortcuts
/// project; the backend refuses NaN or infinite values and a width other than the model's.
/// </summary>
public sealed record ExitJump(int NEmbd, int Rank, float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar,
    float Eps, float[] A, float[] B)
{
    /// <summary>The block whose output the jump was trained on (the OJFA choice), for messages; null if unknown.</summary>
    public int? TrainedLevel { get; init; }
}
