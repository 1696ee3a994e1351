using System.Security.Cryptography;
using System.Text;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;

namespace EarlyExitStory;

/// <summary>Where the sample's jumps come from: a jump file, or training in-process on the model's own stories.</summary>
internal static class StoryJumps
{
    private static readonly string[] Prompts =
        ["Once upon a time", "One day, a little", "The cat", "Tom and Sue", "Lily wanted to", "There was a big", "The sun"];

    private const int StoryTokens = 80;
    private const int SequencesPerDecode = 16; // one llama_decode captures 16 prefixes: far fewer, larger decodes

    /// <summary>A jump file as <c>llamajump train</c> writes it, refused unless it was trained for this model.</summary>
    public static JumpSet Load(string jumpPath, string modelPath)
    {
        var set = JumpFile.Read(jumpPath);
        var info = ModelInfo.Read(modelPath);
        JumpFile.EnsureMatches(set, ModelHash.Sha256(modelPath), info.BlockCount, info.EmbeddingLength, info.FileName);
        return set;
    }

    /// <summary>
    /// What <c>llamajump dump</c> + <c>train</c> do, in memory: the model's greedy continuation of each prompt; the
    /// hidden state after every block at every position of those stories (one row per prefix, captured at its last
    /// token); a jump per exit level trained on those rows; D_m scoring picks the OJFA jump.
    /// </summary>
    public static JumpSet Train(string modelPath)
    {
        using var session = ModelSession.Open(modelPath, new SessionOptions(SequencesPerDecode, MaxTokens: 128));
        var greedy = new EarlyExitGenerator(session, jump: null);
        var full = new GenerationControl(new GenerationSettings(GenerationMode.Full));
        var stories = Prompts.Select(p => session.Tokenize(p))
            .Select(prompt => prompt.Concat(greedy.Generate(prompt, StoryTokens, full).Select(t => t.Id)).ToArray())
            .ToList();

        var capture = new CaptureDecoder(session);
        var prefixes = stories.SelectMany(story => Enumerable.Range(2, story.Length - 1).Select(n => story[..n])).ToList();
        int nLayer = session.NLayer, nEmbd = session.NEmbd;
        var blocks = Enumerable.Range(0, nLayer).Select(_ => new float[prefixes.Count * nEmbd]).ToArray();
        foreach (var (chunk, first) in prefixes.Chunk(SequencesPerDecode).Select((c, i) => (c, i * SequencesPerDecode)))
        {
            var batch = capture.Decode(chunk); // [block][sequence][n_embd]
            for (int block = 0; block < nLayer; block++)
                batch.Block(block).CopyTo(blocks[block].AsSpan(first * nEmbd, chunk.Length * nEmbd));
        }
        var rows = new InMemoryJumpRows(blocks, nEmbd, "the model's own stories");

        string corpus = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Prompts))));
        var identity = new JumpIdentity(ModelHash.Sha256(modelPath), session.Info.Architecture, nLayer, nEmbd,
            session.Info.FileName, corpus, DumpSeed: 1, TrainCount: rows.Count);
        TorchRuntime.ConfigureThreads(1); // a small model trains faster on one thread (src/App/Train/TrainJob.cs)
        var options = new JumpTrainingOptions { Epochs = 30, BatchSize = 64, LearningRate = 0.01, TrainJoint = false };
        var outcome = JumpTraining.Run(rows, identity, options);
        Console.Error.WriteLine($"trained {nLayer - 1} jumps on {rows.Count} rows; OJFA picks the jump of block {outcome.Set.Ojfa}");
        return outcome.Set;
    }
}
