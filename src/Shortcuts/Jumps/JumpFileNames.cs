namespace LlamaJump.Shortcuts.Jumps;

/// <summary>
/// The names inside a jump file (a GGUF container). Metadata under <c>llamajump.</c>; one group of tensors per jump,
/// all F32: <c>jump.&lt;k&gt;.norm.weight|bias|running_mean|running_var</c> [H], <c>jump.&lt;k&gt;.a</c> with GGUF
/// dims [r, H] (ggml order: r is the row length, i.e. row-major [H][r]) and <c>jump.&lt;k&gt;.b</c> with dims [H, r]
/// (row-major [r][H]); the joint jump as <c>jump.joint.*</c>.
/// </summary>
public static class JumpFileNames
{
    public const int FormatVersion = 1;
    public const string Architecture = "llamajump-jumps";

    public const string KeyFormatVersion = "llamajump.format_version";
    public const string KeyModelSha256 = "llamajump.model.sha256";
    public const string KeyModelArchitecture = "llamajump.model.architecture";
    public const string KeyModelNLayer = "llamajump.model.n_layer";
    public const string KeyModelNEmbd = "llamajump.model.n_embd";
    public const string KeyModelFile = "llamajump.model.file";
    public const string KeyCorpusSha256 = "llamajump.dump.corpus_sha256";
    public const string KeyDumpSeed = "llamajump.dump.seed";
    public const string KeyTrainCount = "llamajump.dump.train_count";
    public const string KeyRank = "llamajump.rank";
    public const string KeyEps = "llamajump.eps";
    public const string KeyEpochs = "llamajump.training.epochs";
    public const string KeyBatchSize = "llamajump.training.batch_size";
    public const string KeyLearningRate = "llamajump.training.learning_rate";
    public const string KeySeed = "llamajump.training.seed";
    public const string KeyValidationFraction = "llamajump.training.validation_fraction";
    public const string KeyPatience = "llamajump.training.patience";
    public const string KeyStrategy = "llamajump.training.strategy";
    public const string KeyOjfa = "llamajump.ojfa";
    public const string KeyDScores = "llamajump.d_m";
    public const string KeyDSoftmax = "llamajump.d_m_softmax";
    public const string KeySoftmaxTemperature = "llamajump.d_m_softmax_temperature";
    public const string KeyValidationLoss = "llamajump.validation_loss";
    public const string KeyJointValidationLoss = "llamajump.joint_validation_loss";
    public const string KeyLevels = "llamajump.levels";
    public const string KeyJoint = "llamajump.joint";

    /// <summary>"jump.3" or "jump.joint".</summary>
    public static string Prefix(int? level) => level is { } k ? $"jump.{k}" : "jump.joint";

    public static string NormWeight(int? level) => Prefix(level) + ".norm.weight";
    public static string NormBias(int? level) => Prefix(level) + ".norm.bias";
    public static string RunningMean(int? level) => Prefix(level) + ".norm.running_mean";
    public static string RunningVar(int? level) => Prefix(level) + ".norm.running_var";
    public static string A(int? level) => Prefix(level) + ".a";
    public static string B(int? level) => Prefix(level) + ".b";
}
