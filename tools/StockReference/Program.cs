using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LLama;
using LLama.Native;
using LlamaJump.StockReference;

// Usage: LlamaJump.StockReference generate <model.gguf> <out.json> [max_tokens]
//        LlamaJump.StockReference hidden   <model.gguf> <out.json>
//        LlamaJump.StockReference speed    <model.gguf> <threads> <context> <batch> <prompt_tokens> <decode_tokens> [libllama.so]
// Runs on the stock LLamaSharp.Backend.Cpu 0.30.0 and writes the fixtures that tests/Native compares with:
//   generate — ReferenceRuns (greedy and penalties+DRY generation)
//   hidden   — l_out-<il> of every block for ReferenceRuns.Prompts, as llama.cpp's eval callback sees them
//   speed    — SpeedRun's prompt and decode seconds as one JSON line on stdout; with a libllama.so path, on that library
//              instead of the stock one (llamajump bench parity runs both, alternating)
const string usage = "usage: LlamaJump.StockReference generate|hidden <model.gguf> <out.json> [max_tokens] | speed <model.gguf> <threads> <context> <batch> <prompt_tokens> <decode_tokens> [libllama.so]";
if (args.Length >= 7 && args[0] == "speed")
{
    return Speed(args);
}
if (args.Length < 3 || args[0] is not ("generate" or "hidden"))
{
    Console.Error.WriteLine(usage);
    return 2;
}
string modelPath = Path.GetFullPath(args[1]);
string outPath = Path.GetFullPath(args[2]);
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"model not found: {modelPath}");
    return 2;
}

NativeLogConfig.llama_log_set((level, message) => { if (level >= LLamaLogLevel.Error) { Console.Error.Write(message); } });
var parameters = ReferenceRuns.Parameters(modelPath);
using var weights = LLamaWeights.LoadFromFile(parameters);
string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
const string backend = "LLamaSharp 0.30.0 + LLamaSharp.Backend.Cpu 0.30.0 (llama.cpp b10221)";
object fixture;
if (args[0] == "generate")
{
    int maxTokens = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40;
    var cases = new List<ReferenceCase>();
    foreach (var sampler in new[] { ReferenceRuns.Greedy, ReferenceRuns.PenaltiesDry })
    {
        foreach (var prompt in ReferenceRuns.Prompts)
        {
            var run = ReferenceRuns.Generate(weights, parameters, prompt, sampler, maxTokens);
            Console.Error.WriteLine($"[{sampler}] {prompt} -> {run.Text}");
            cases.Add(run);
        }
    }
    fixture = new { tool = "tools/StockReference generate", backend, model = Path.GetFileName(modelPath), model_sha256 = sha, max_tokens = maxTokens, cases };
}
else
{
    var cases = ReferenceRuns.Prompts.Select(p => HiddenStateRecorder.Record(weights, p)).ToList();
    Console.Error.WriteLine($"recorded l_out of {cases[0].Blocks.Length} blocks for {cases.Count} prompts");
    fixture = new { tool = "tools/StockReference hidden", backend, model = Path.GetFileName(modelPath), model_sha256 = sha, n_embd = weights.EmbeddingSize, cases };
}

string tmp = outPath + ".tmp";
File.WriteAllText(tmp, JsonSerializer.Serialize(fixture, new JsonSerializerOptions { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
File.Move(tmp, outPath, overwrite: true);
Console.Error.WriteLine($"wrote {outPath}");
return 0;

static int Speed(string[] args)
{
    string model = Path.GetFullPath(args[1]);
    var numbers = new int[5];
    for (int i = 0; i < 5; i++)
    {
        if (!int.TryParse(args[2 + i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]) || numbers[i] < 1)
        {
            Console.Error.WriteLine($"speed: '{args[2 + i]}' is not a positive integer");
            return 2;
        }
    }
    if (!File.Exists(model))
    {
        Console.Error.WriteLine($"model not found: {model}");
        return 2;
    }
    string backend = "stock LLamaSharp.Backend.Cpu 0.30.0";
    if (args.Length > 7)
    {
        string library = Path.GetFullPath(args[7]);
        NativeLibraryConfig.All.WithLibrary(library, null);
        backend = library;
    }
    NativeLogConfig.llama_log_set((level, message) => { if (level >= LLamaLogLevel.Error) { Console.Error.Write(message); } });
    var result = SpeedRun.Measure(model, new SpeedSettings(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]));
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        backend,
        prompt_tokens = result.PromptTokens,
        prompt_seconds = result.PromptSeconds,
        decode_tokens = result.DecodeTokens,
        decode_seconds = result.DecodeSeconds,
    }));
    return 0;
}
