// gpu_check.c — the patched llama.cpp (LlamaJump's native backend) on a GPU against the same build on the CPU, for
// one model and its jump file. Needs no .NET: it is compiled on the GPU machine by scripts/gpu-check.sh against the
// libllama / libggml built there, and reads the jump file with ggml's own gguf API.
//
// Usage:
//   gpu_check --model M.gguf --jump M.jumps.gguf [options]    checks one model, prints one row of the summary table
//   gpu_check --table-header                                 prints the table's header line
// Options:
//   --device gpu|cpu    the device side: gpu (default) = every block and the output on the first GPU (n_gpu_layers
//                       999); cpu = a second CPU-only model, which tests this program on a machine without a GPU:
//                       both sides then run the same kernels and every difference must be exactly 0
//   --model-sha256 HEX  the model file's sha256 (sha256sum); the jump must have been trained for it
//   --name NAME         the row's model name (default: the model's file name)
//   --lambda L          λ of the exit check (default 0.5)
//   --tokens N          tokens generated in the exit check (default 64)
//   --speed-tokens N    tokens timed per round of the speed check (default 128; 0 skips the speed check)
//   --rounds R          rounds of the speed check, full and exit alternating (default 3)
//   --tolerance T       largest relative hidden-state difference that passes on a GPU (default 0.05; cpu: 0)
//   --max-tie P         on a GPU, an exit block that differs passes as a near tie when the two sides' probabilities
//                       at the shallower block straddle λ and differ by at most P (default 0.01; cpu: none pass)
//   --threads N         CPU threads of both sides (default: the cores online)
//   --flash-attn auto|on|off  the device side's flash attention (default auto, as the reference's): off on a GPU
//                       separates the FA kernels from the rest; on the CPU, a setting unlike the reference's makes
//                       the hidden check fail (different kernels), which shows the comparison can fail
//   --verbose           llama.cpp's own log on stderr
//
// The checks. "Reference" is the CPU model (n_gpu_layers 0, op_offload off: no operation is moved to a GPU),
// "device" the --device side; both are built from the same file, in one process, with the same threads.
//   1. hidden  One prompt decoded once on each side with every token an output and every block captured
//              (llama_jump_capture_set_layers): per block b, d_b = max|device - reference| / max|reference| over
//              all rows and coordinates; the row shows max_b d_b (and its block), and the final logits' d the same
//              way. Passes when max_b d_b <= tolerance.
//   2. exits   The model's OJFA jump installed on both sides (llama_jump_exit_set_jump), candidates ⌊L/4⌋ … L-2 (the
//              app's default), λ = --lambda, fill LLAMA_JUMP_FILL_PROPAGATE. From the same prompt both sides decode
//              the same tokens one at a time — the reference's greedy choice, teacher-forced into the device — and
//              each step's exit block (llama_jump_exit_get_levels) must be equal on both sides, and the blocks the
//              scheduler computed (llama_jump_exit_blocks_computed) must be that block + 1 on both. Where the blocks
//              differ, the step is decoded again on each side with the shallower block as a fixed exit to read the
//              branch's top probability p there: on a GPU, p straddling λ on the two sides within --max-tie is a
//              near tie (float rounding deciding a threshold; counted and shown, not a failure), anything else fails.
//   3. speed   Device side only, informational except for its invariants: greedy decode tokens/s at full depth
//              (no policy) and with a fixed exit at L/2 (levels = {L/2 - 1}, λ = 0, propagate), --rounds rounds
//              alternating, 4 untimed warm-up tokens each; the row shows the medians and the median of the
//              per-round ratios exit / full. Every exit-mode token must leave at block L/2 - 1 having computed L/2
//              blocks. A speed never fails the check.
//
// Exit status: 0 every check passed; 1 a check failed (the row says which; details on stderr); 2 bad input (one
// line on stderr: missing or unreadable file, a jump for another model, no GPU on a gpu run); 3 llama.cpp refused or
// failed (one line with llama_jump_last_error or the last line of llama.cpp's log).
// stdout carries only the table row (or header); stderr carries progress and details.

#include "llama.h"
#include "llama-jump.h"
#include "ggml.h"
#include "ggml-backend.h"
#include "gguf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_FAILED_CHECK 1
#define EXIT_BAD_INPUT    2
#define EXIT_LLAMA        3

static const char * PROMPT = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
enum { WARMUP_TOKENS = 4, MAX_ROUNDS = 15 };

// ---------------------------------------------------------------------------------------------------------------
// Failing: one line on stderr, then exit.

static char g_last_log[512]; // the last ERROR/WARN line of llama.cpp's log, for messages
static bool g_verbose;

static void die(int code, const char * fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fputs("gpu_check: error: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(code);
}

static void on_log(enum ggml_log_level level, const char * text, void * user) {
    (void) user;
    if (g_verbose) {
        fputs(text, stderr);
    }
    if (level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) {
        snprintf(g_last_log, sizeof g_last_log, "%s", text);
        size_t n = strlen(g_last_log);
        while (n > 0 && (g_last_log[n - 1] == '\n' || g_last_log[n - 1] == '\r')) {
            g_last_log[--n] = '\0';
        }
    }
}

// A llama_jump_* status that is not LLAMA_JUMP_OK ends the run with the call and the library's message.
static void check_jump(int32_t status, const char * what) {
    if (status < 0) {
        die(EXIT_LLAMA, "%s: status %d: %s", what, status, llama_jump_last_error());
    }
}

static void * xcalloc(size_t n, size_t size) {
    void * p = calloc(n == 0 ? 1 : n, size);
    if (p == NULL) {
        die(EXIT_LLAMA, "out of memory (%zu × %zu bytes)", n, size);
    }
    return p;
}

// ---------------------------------------------------------------------------------------------------------------
// The jump file (src/Shortcuts/Jumps/JumpFile.cs, format version 1): a GGUF with llamajump.* metadata and, per jump
// level k, F32 tensors jump.<k>.norm.{weight,bias,running_mean,running_var} [n_embd], jump.<k>.a with ggml ne
// {rank, n_embd} (row-major [n_embd][rank]) and jump.<k>.b with ne {n_embd, rank} (row-major [rank][n_embd]) — the
// layouts llama_jump_exit_set_jump takes. llamajump.ojfa names the level of the OJFA jump (the one early exit uses).
// The tensors' data live in `data` (a ggml context gguf_init_from_file allocated); jump_free releases both.

struct jump {
    int32_t n_layer, n_embd, rank, level;
    float eps;
    char architecture[64];
    char model_sha256[72];
    const float * gamma, * beta, * mean, * var, * a, * b;
    struct gguf_context * gguf;
    struct ggml_context * data;
};

static int64_t jump_key(const struct jump * j, const char * path, const char * key, enum gguf_type type) {
    int64_t id = gguf_find_key(j->gguf, key);
    if (id < 0) {
        die(EXIT_BAD_INPUT, "%s: not a LlamaJump jump file (key %s is missing)", path, key);
    }
    if (gguf_get_kv_type(j->gguf, id) != type) {
        die(EXIT_BAD_INPUT, "%s: key %s is %s, expected %s", path, key, gguf_type_name(gguf_get_kv_type(j->gguf, id)), gguf_type_name(type));
    }
    return id;
}

static const float * jump_tensor(const struct jump * j, const char * path, const char * suffix, int64_t ne0, int64_t ne1) {
    char name[96];
    snprintf(name, sizeof name, "jump.%d.%s", j->level, suffix);
    struct ggml_tensor * t = ggml_get_tensor(j->data, name);
    if (t == NULL) {
        die(EXIT_BAD_INPUT, "%s: tensor %s is missing", path, name);
    }
    if (t->type != GGML_TYPE_F32 || t->ne[0] != ne0 || t->ne[1] != ne1 || t->ne[2] != 1 || t->ne[3] != 1) {
        die(EXIT_BAD_INPUT, "%s: tensor %s is %s [%lld, %lld], expected f32 [%lld, %lld]", path, name, ggml_type_name(t->type),
            (long long) t->ne[0], (long long) t->ne[1], (long long) ne0, (long long) ne1);
    }
    return (const float *) t->data;
}

static struct jump jump_read(const char * path) {
    struct jump j;
    memset(&j, 0, sizeof j);
    if (access(path, R_OK) != 0) {
        die(EXIT_BAD_INPUT, "%s: %s", path, strerror(errno));
    }
    struct gguf_init_params params = { .no_alloc = false, .ctx = &j.data };
    j.gguf = gguf_init_from_file(path, params);
    if (j.gguf == NULL) {
        die(EXIT_BAD_INPUT, "%s: not a readable GGUF file", path);
    }
    uint32_t version = gguf_get_val_u32(j.gguf, jump_key(&j, path, "llamajump.format_version", GGUF_TYPE_UINT32));
    if (version != 1) {
        die(EXIT_BAD_INPUT, "%s: jump file format version %u, this check reads version 1", path, version);
    }
    j.n_layer = (int32_t) gguf_get_val_u32(j.gguf, jump_key(&j, path, "llamajump.model.n_layer", GGUF_TYPE_UINT32));
    j.n_embd = (int32_t) gguf_get_val_u32(j.gguf, jump_key(&j, path, "llamajump.model.n_embd", GGUF_TYPE_UINT32));
    j.rank = (int32_t) gguf_get_val_u32(j.gguf, jump_key(&j, path, "llamajump.rank", GGUF_TYPE_UINT32));
    j.level = (int32_t) gguf_get_val_u32(j.gguf, jump_key(&j, path, "llamajump.ojfa", GGUF_TYPE_UINT32));
    j.eps = gguf_get_val_f32(j.gguf, jump_key(&j, path, "llamajump.eps", GGUF_TYPE_FLOAT32));
    snprintf(j.architecture, sizeof j.architecture, "%s",
        gguf_get_val_str(j.gguf, jump_key(&j, path, "llamajump.model.architecture", GGUF_TYPE_STRING)));
    snprintf(j.model_sha256, sizeof j.model_sha256, "%s",
        gguf_get_val_str(j.gguf, jump_key(&j, path, "llamajump.model.sha256", GGUF_TYPE_STRING)));
    if (j.n_layer < 2 || j.n_embd < 2 || j.rank < 1 || j.level > j.n_layer - 2) {
        die(EXIT_BAD_INPUT, "%s: inconsistent jump metadata (n_layer %d, n_embd %d, rank %d, ojfa %d)", path, j.n_layer, j.n_embd, j.rank, j.level);
    }
    j.gamma = jump_tensor(&j, path, "norm.weight", j.n_embd, 1);
    j.beta = jump_tensor(&j, path, "norm.bias", j.n_embd, 1);
    j.mean = jump_tensor(&j, path, "norm.running_mean", j.n_embd, 1);
    j.var = jump_tensor(&j, path, "norm.running_var", j.n_embd, 1);
    j.a = jump_tensor(&j, path, "a", j.rank, j.n_embd);
    j.b = jump_tensor(&j, path, "b", j.n_embd, j.rank);
    return j;
}

static void jump_free(struct jump * j) {
    ggml_free(j->data);
    gguf_free(j->gguf);
}

// ---------------------------------------------------------------------------------------------------------------
// One side: a model and a context on it. The reference side keeps everything on the CPU.

struct side {
    const char * label; // "reference" or "device"
    struct llama_model * model;
    struct llama_context * ctx;
};

static struct side side_open(const char * label, const char * path, bool offload, int32_t threads, enum llama_flash_attn_type fa) {
    struct side s = { .label = label };
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = offload ? 999 : 0;
    s.model = llama_model_load_from_file(path, mp);
    if (s.model == NULL) {
        die(EXIT_LLAMA, "%s: llama.cpp could not load it (%s)", path, g_last_log[0] ? g_last_log : "no message; rerun with --verbose");
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = 512;
    cp.n_batch = 512;
    cp.n_ubatch = 512;
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.op_offload = offload; // the reference moves no operation to a GPU
    cp.no_perf = true;
    cp.flash_attn_type = fa;
    s.ctx = llama_init_from_model(s.model, cp);
    if (s.ctx == NULL) {
        die(EXIT_LLAMA, "%s: llama.cpp could not create a context (%s)", path, g_last_log[0] ? g_last_log : "no message; rerun with --verbose");
    }
    return s;
}

static void side_close(struct side * s) {
    llama_free(s->ctx);
    llama_model_free(s->model);
}

// Decodes tokens[0..n) at positions pos0 … of sequence 0; outputs: every token (all) or only the last.
static void decode(struct side * s, const llama_token * tokens, int32_t n, llama_pos pos0, bool all) {
    struct llama_batch batch = llama_batch_init(n, 0, 1);
    for (int32_t i = 0; i < n; i++) {
        batch.token[i] = tokens[i];
        batch.pos[i] = pos0 + i;
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = (int8_t) (all || i == n - 1);
    }
    batch.n_tokens = n;
    int32_t status = llama_decode(s->ctx, batch);
    llama_batch_free(batch);
    if (status != 0) {
        die(EXIT_LLAMA, "%s: llama_decode returned %d (%s)", s->label, status, g_last_log[0] ? g_last_log : "no message");
    }
}

static llama_token argmax(const float * logits, int32_t n_vocab) {
    int32_t best = 0;
    for (int32_t i = 1; i < n_vocab; i++) {
        if (logits[i] > logits[best]) {
            best = i;
        }
    }
    return best;
}

// max |x - ref| / max |ref| over n values (0 when both are all zeros)
static double relative_difference(const float * x, const float * ref, size_t n) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double) x[i] - (double) ref[i]);
        if (d > diff || isnan(d)) {
            diff = isnan(d) ? INFINITY : d;
        }
        if (fabs((double) ref[i]) > scale) {
            scale = fabs((double) ref[i]);
        }
    }
    return diff == 0 ? 0 : (scale > 0 ? diff / scale : INFINITY);
}

// ---------------------------------------------------------------------------------------------------------------
// The checks

struct hidden_result { double max_rel, logits_rel; int32_t block; };

static struct hidden_result check_hidden(struct side * ref, struct side * dev, const llama_token * prompt, int32_t n_prompt,
        int32_t n_layer, int32_t n_embd, int32_t n_vocab) {
    int32_t * layers = xcalloc((size_t) n_layer, sizeof *layers);
    for (int32_t i = 0; i < n_layer; i++) {
        layers[i] = i;
    }
    struct side * sides[2] = { ref, dev };
    for (int s = 0; s < 2; s++) {
        llama_memory_clear(llama_get_memory(sides[s]->ctx), true);
        check_jump(llama_jump_capture_set_layers(sides[s]->ctx, layers, n_layer), "llama_jump_capture_set_layers");
        decode(sides[s], prompt, n_prompt, 0, true);
        int32_t rows = llama_jump_capture_n_rows(sides[s]->ctx);
        if (rows != n_prompt) {
            die(EXIT_LLAMA, "%s: %d rows captured, expected one per prompt token (%d)", sides[s]->label, rows, n_prompt);
        }
    }
    size_t n = (size_t) n_prompt * (size_t) n_embd;
    float * a = xcalloc(n, sizeof *a), * b = xcalloc(n, sizeof *b);
    struct hidden_result r = { 0, 0, 0 };
    for (int32_t il = 0; il < n_layer; il++) {
        check_jump(llama_jump_capture_get(ref->ctx, il, a, (int64_t) n), "llama_jump_capture_get (reference)");
        check_jump(llama_jump_capture_get(dev->ctx, il, b, (int64_t) n), "llama_jump_capture_get (device)");
        double d = relative_difference(b, a, n);
        fprintf(stderr, "  hidden  block %2d: max relative difference %.3e\n", il, d);
        if (d > r.max_rel || il == 0) {
            r.max_rel = d;
            r.block = il;
        }
    }
    double logits = 0;
    for (int32_t i = 0; i < n_prompt; i++) {
        double d = relative_difference(llama_get_logits_ith(dev->ctx, i), llama_get_logits_ith(ref->ctx, i), (size_t) n_vocab);
        logits = d > logits ? d : logits;
    }
    r.logits_rel = logits;
    for (int s = 0; s < 2; s++) {
        check_jump(llama_jump_capture_set_layers(sides[s]->ctx, NULL, 0), "llama_jump_capture_set_layers (off)");
    }
    free(a);
    free(b);
    free(layers);
    return r;
}

struct exit_result {
    int32_t tokens, same, near_ties, blocks_ok, exits_before_last;
    double mean_exit;
};

static double max_probability(const float * logits, int32_t n_vocab) {
    float top = logits[argmax(logits, n_vocab)];
    double sum = 0;
    for (int32_t i = 0; i < n_vocab; i++) {
        sum += exp((double) logits[i] - top);
    }
    return 1.0 / sum;
}

// The exit branch's largest softmax probability at block `level` for `token` at `pos`: the token's cell is removed,
// decoded again with the fixed exit {level}, λ 0, then removed and decoded once more under the check's policy, so
// the side's state (its K/V and last logits) is as before.
static double probe_probability(struct side * s, llama_token token, llama_pos pos, int32_t level, const int32_t * levels,
        int32_t n_levels, float lambda, int32_t n_vocab) {
    llama_memory_t mem = llama_get_memory(s->ctx);
    llama_memory_seq_rm(mem, 0, pos, -1);
    check_jump(llama_jump_exit_set_policy(s->ctx, &level, 1, 0.0f, LLAMA_JUMP_FILL_PROPAGATE), "llama_jump_exit_set_policy (probe)");
    decode(s, &token, 1, pos, false);
    double p = max_probability(llama_get_logits_ith(s->ctx, -1), n_vocab);
    llama_memory_seq_rm(mem, 0, pos, -1);
    check_jump(llama_jump_exit_set_policy(s->ctx, levels, n_levels, lambda, LLAMA_JUMP_FILL_PROPAGATE), "llama_jump_exit_set_policy");
    decode(s, &token, 1, pos, false);
    return p;
}

// max_tie: a step whose exit blocks differ passes as a near tie when, at the shallower of the two blocks, the two
// sides' probabilities straddle λ and differ by at most max_tie (float rounding deciding a threshold); 0 = none pass.
static struct exit_result check_exits(struct side * ref, struct side * dev, const struct jump * j, const llama_token * prompt,
        int32_t n_prompt, int32_t n_layer, int32_t n_vocab, float lambda, int32_t tokens, double max_tie) {
    int32_t first = n_layer / 4, n_levels = n_layer - 1 - first;
    int32_t * levels = xcalloc((size_t) n_levels, sizeof *levels);
    int32_t * histogram = xcalloc((size_t) n_layer, sizeof *histogram);
    for (int32_t i = 0; i < n_levels; i++) {
        levels[i] = first + i;
    }
    struct side * sides[2] = { ref, dev };
    for (int s = 0; s < 2; s++) {
        struct llama_context * ctx = sides[s]->ctx;
        check_jump(llama_jump_exit_set_jump(ctx, j->n_embd, j->rank, j->gamma, j->beta, j->mean, j->var, j->eps, j->a, j->b),
            "llama_jump_exit_set_jump");
        if (llama_jump_exit_can_propagate(ctx) != 1) {
            die(EXIT_BAD_INPUT, "%s: early exit cannot propagate on this model (%s)", sides[s]->label, llama_jump_last_error());
        }
        check_jump(llama_jump_exit_set_policy(ctx, levels, n_levels, lambda, LLAMA_JUMP_FILL_PROPAGATE), "llama_jump_exit_set_policy");
        llama_memory_clear(llama_get_memory(ctx), true);
        decode(sides[s], prompt, n_prompt, 0, false);
    }
    llama_token next = argmax(llama_get_logits_ith(ref->ctx, -1), n_vocab);
    struct exit_result r = { .tokens = tokens };
    double sum = 0;
    for (int32_t t = 0; t < tokens; t++) {
        int32_t level[2], computed[2];
        llama_pos pos = n_prompt + t;
        for (int s = 0; s < 2; s++) {
            decode(sides[s], &next, 1, pos, false);
            if (llama_jump_exit_get_levels(sides[s]->ctx, &level[s], 1) != 1) {
                die(EXIT_LLAMA, "%s: llama_jump_exit_get_levels: %s", sides[s]->label, llama_jump_last_error());
            }
            computed[s] = llama_jump_exit_blocks_computed(sides[s]->ctx);
            check_jump(computed[s], "llama_jump_exit_blocks_computed");
        }
        if (computed[0] == level[0] + 1 && computed[1] == level[1] + 1) {
            r.blocks_ok++;
        } else {
            fprintf(stderr, "  exits   token %d: blocks computed %d / %d for exit blocks %d / %d (reference / device)\n", t,
                computed[0], computed[1], level[0], level[1]);
        }
        if (level[0] == level[1]) {
            r.same++;
        } else {
            int32_t shallow = level[0] < level[1] ? level[0] : level[1];
            double p_ref = probe_probability(ref, next, pos, shallow, levels, n_levels, lambda, n_vocab);
            double p_dev = probe_probability(dev, next, pos, shallow, levels, n_levels, lambda, n_vocab);
            bool tie = max_tie > 0 && ((p_ref >= lambda) != (p_dev >= lambda)) && fabs(p_ref - p_dev) <= max_tie;
            r.near_ties += tie;
            fprintf(stderr, "  exits   token %d (id %d): reference exits at block %d, device at block %d; at block %d p = %.5f / %.5f (λ %.3f): %s\n",
                t, next, level[0], level[1], shallow, p_ref, p_dev, lambda, tie ? "a near tie" : "a difference");
        }
        histogram[level[1]]++;
        sum += level[1];
        r.exits_before_last += level[1] < n_layer - 1;
        next = argmax(llama_get_logits_ith(ref->ctx, -1), n_vocab); // the reference's greedy choice, for both sides
    }
    r.mean_exit = tokens > 0 ? sum / tokens : 0;
    fprintf(stderr, "  exits   device exit blocks (block:tokens):");
    for (int32_t il = 0; il < n_layer; il++) {
        if (histogram[il] > 0) {
            fprintf(stderr, " %d:%d", il, histogram[il]);
        }
    }
    fputc('\n', stderr);
    for (int s = 0; s < 2; s++) {
        check_jump(llama_jump_exit_set_policy(sides[s]->ctx, NULL, 0, 0.0f, LLAMA_JUMP_FILL_NONE), "llama_jump_exit_set_policy (off)");
    }
    free(histogram);
    free(levels);
    return r;
}

struct speed_result { double full_tps, exit_tps, ratio; int32_t exit_block, violations; };

static int compare_doubles(const void * a, const void * b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double median(double * values, int n) {
    qsort(values, (size_t) n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// One timed generation on the device side: the prompt, WARMUP_TOKENS untimed tokens, then `tokens` timed ones.
// exit_block >= 0: every token must leave there having computed exit_block + 1 blocks; violations are counted.
static double timed_generation(struct side * dev, const llama_token * prompt, int32_t n_prompt, int32_t n_vocab,
        int32_t tokens, int32_t exit_block, int32_t * violations) {
    llama_memory_clear(llama_get_memory(dev->ctx), true);
    decode(dev, prompt, n_prompt, 0, false);
    llama_token next = argmax(llama_get_logits_ith(dev->ctx, -1), n_vocab);
    int64_t start = 0;
    for (int32_t t = 0; t < WARMUP_TOKENS + tokens; t++) {
        if (t == WARMUP_TOKENS) {
            llama_synchronize(dev->ctx);
            start = llama_time_us();
        }
        decode(dev, &next, 1, n_prompt + t, false);
        next = argmax(llama_get_logits_ith(dev->ctx, -1), n_vocab);
        if (exit_block >= 0) {
            int32_t level = -1;
            llama_jump_exit_get_levels(dev->ctx, &level, 1);
            if (level != exit_block || llama_jump_exit_blocks_computed(dev->ctx) != exit_block + 1) {
                (*violations)++;
            }
        }
    }
    llama_synchronize(dev->ctx);
    double seconds = (double) (llama_time_us() - start) / 1e6;
    return seconds > 0 ? tokens / seconds : 0;
}

static struct speed_result check_speed(struct side * dev, const llama_token * prompt, int32_t n_prompt, int32_t n_layer,
        int32_t n_vocab, int32_t tokens, int rounds) {
    struct speed_result r = { 0, 0, 0, n_layer / 2 - 1, 0 };
    double full[MAX_ROUNDS], exited[MAX_ROUNDS], ratio[MAX_ROUNDS];
    for (int i = 0; i < rounds; i++) {
        check_jump(llama_jump_exit_set_policy(dev->ctx, NULL, 0, 0.0f, LLAMA_JUMP_FILL_NONE), "llama_jump_exit_set_policy (full)");
        full[i] = timed_generation(dev, prompt, n_prompt, n_vocab, tokens, -1, &r.violations);
        check_jump(llama_jump_exit_set_policy(dev->ctx, &r.exit_block, 1, 0.0f, LLAMA_JUMP_FILL_PROPAGATE), "llama_jump_exit_set_policy (L/2)");
        exited[i] = timed_generation(dev, prompt, n_prompt, n_vocab, tokens, r.exit_block, &r.violations);
        ratio[i] = full[i] > 0 ? exited[i] / full[i] : 0;
        fprintf(stderr, "  speed   round %d: full %.1f tokens/s, exit at block %d %.1f tokens/s, ratio %.3f\n", i + 1, full[i],
            r.exit_block, exited[i], ratio[i]);
    }
    check_jump(llama_jump_exit_set_policy(dev->ctx, NULL, 0, 0.0f, LLAMA_JUMP_FILL_NONE), "llama_jump_exit_set_policy (off)");
    r.full_tps = median(full, rounds);
    r.exit_tps = median(exited, rounds);
    r.ratio = median(ratio, rounds);
    return r;
}

// ---------------------------------------------------------------------------------------------------------------

static const char * HEADER_FORMAT = "%-24s %-6s %-10s %-22s %-10s %-12s %-9s %-11s %-11s %-7s %s\n";

static void print_header(void) {
    printf(HEADER_FORMAT, "model", "device", "blocks", "hidden max rel (tol)", "logits rel", "exits same", "mean exit",
        "full tok/s", "L/2 tok/s", "ratio", "verdict");
}

static int32_t parse_int(const char * option, const char * text, int32_t minimum) {
    char * end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < minimum || v > 1000000) {
        die(EXIT_BAD_INPUT, "%s '%s': expected an integer of at least %d", option, text, minimum);
    }
    return (int32_t) v;
}

static float parse_float(const char * option, const char * text) {
    char * end = NULL;
    float v = strtof(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v < 0) {
        die(EXIT_BAD_INPUT, "%s '%s': expected a non-negative number", option, text);
    }
    return v;
}

int main(int argc, char ** argv) {
    const char * model_path = NULL, * jump_path = NULL, * sha = NULL, * name = NULL;
    bool gpu = true;
    enum llama_flash_attn_type flash_attn = LLAMA_FLASH_ATTN_TYPE_AUTO;
    float lambda = 0.5f, tolerance = -1, max_tie = 0.01f;
    int32_t tokens = 64, speed_tokens = 128, rounds = 3, threads = (int32_t) sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        const char * arg = argv[i];
        if (strcmp(arg, "--table-header") == 0) {
            print_header();
            return 0;
        }
        if (strcmp(arg, "--verbose") == 0) {
            g_verbose = true;
            continue;
        }
        if (i + 1 >= argc) {
            die(EXIT_BAD_INPUT, "unknown option or missing value: %s (see the comment at the top of gpu_check.c)", arg);
        }
        const char * value = argv[++i];
        if (strcmp(arg, "--model") == 0) model_path = value;
        else if (strcmp(arg, "--jump") == 0) jump_path = value;
        else if (strcmp(arg, "--model-sha256") == 0) sha = value;
        else if (strcmp(arg, "--name") == 0) name = value;
        else if (strcmp(arg, "--lambda") == 0) lambda = parse_float(arg, value);
        else if (strcmp(arg, "--tolerance") == 0) tolerance = parse_float(arg, value);
        else if (strcmp(arg, "--max-tie") == 0) max_tie = parse_float(arg, value);
        else if (strcmp(arg, "--tokens") == 0) tokens = parse_int(arg, value, 1);
        else if (strcmp(arg, "--speed-tokens") == 0) speed_tokens = parse_int(arg, value, 0);
        else if (strcmp(arg, "--rounds") == 0) rounds = parse_int(arg, value, 1);
        else if (strcmp(arg, "--threads") == 0) threads = parse_int(arg, value, 1);
        else if (strcmp(arg, "--flash-attn") == 0) {
            if (strcmp(value, "auto") == 0) flash_attn = LLAMA_FLASH_ATTN_TYPE_AUTO;
            else if (strcmp(value, "on") == 0) flash_attn = LLAMA_FLASH_ATTN_TYPE_ENABLED;
            else if (strcmp(value, "off") == 0) flash_attn = LLAMA_FLASH_ATTN_TYPE_DISABLED;
            else die(EXIT_BAD_INPUT, "--flash-attn '%s': expected auto, on or off", value);
        } else if (strcmp(arg, "--device") == 0) {
            if (strcmp(value, "gpu") != 0 && strcmp(value, "cpu") != 0) {
                die(EXIT_BAD_INPUT, "--device '%s': expected gpu or cpu", value);
            }
            gpu = strcmp(value, "gpu") == 0;
        } else {
            die(EXIT_BAD_INPUT, "unknown option %s (see the comment at the top of gpu_check.c)", arg);
        }
    }
    if (model_path == NULL || jump_path == NULL) {
        die(EXIT_BAD_INPUT, "--model and --jump are required");
    }
    if (rounds > MAX_ROUNDS) {
        die(EXIT_BAD_INPUT, "--rounds %d: at most %d", rounds, MAX_ROUNDS);
    }
    if (tolerance < 0) {
        tolerance = gpu ? 0.05f : 0.0f;
    }
    if (name == NULL) {
        name = strrchr(model_path, '/') ? strrchr(model_path, '/') + 1 : model_path;
    }
    if (access(model_path, R_OK) != 0) {
        die(EXIT_BAD_INPUT, "%s: %s", model_path, strerror(errno));
    }
    llama_log_set(on_log, NULL);
    llama_backend_init();

    struct jump j = jump_read(jump_path);
    if (sha != NULL && strcasecmp(sha, j.model_sha256) != 0) {
        die(EXIT_BAD_INPUT, "%s was trained for model %.8s… (%s), not %.8s… (%s)", jump_path, j.model_sha256, j.architecture, sha, model_path);
    }

    const char * device_name = "CPU";
    if (gpu) {
        ggml_backend_dev_t found = NULL;
        for (size_t i = 0; i < ggml_backend_dev_count() && found == NULL; i++) {
            ggml_backend_dev_t d = ggml_backend_dev_get(i);
            if (ggml_backend_dev_type(d) == GGML_BACKEND_DEVICE_TYPE_GPU) {
                found = d;
            }
        }
        if (found == NULL) {
            die(EXIT_BAD_INPUT, "no GPU device in this build of ggml (built without -DGGML_CUDA=ON, or no GPU visible); use --device cpu to test on the CPU");
        }
        device_name = ggml_backend_dev_name(found);
        fprintf(stderr, "gpu_check: device %s (%s)\n", device_name, ggml_backend_dev_description(found));
    }

    struct side ref = side_open("reference", model_path, false, threads, LLAMA_FLASH_ATTN_TYPE_AUTO);
    struct side dev = side_open("device", model_path, gpu, threads, flash_attn);
    int32_t n_layer = llama_model_n_layer(ref.model), n_embd = llama_model_n_embd(ref.model);
    const struct llama_vocab * vocab = llama_model_get_vocab(ref.model);
    int32_t n_vocab = llama_vocab_n_tokens(vocab);
    char arch[64] = "";
    llama_model_meta_val_str(ref.model, "general.architecture", arch, sizeof arch);
    if (j.n_layer != n_layer || j.n_embd != n_embd || strcmp(j.architecture, arch) != 0) {
        die(EXIT_BAD_INPUT, "%s was trained for a %s model of %d blocks × n_embd %d, not %s's %s, %d × %d", jump_path, j.architecture,
            j.n_layer, j.n_embd, model_path, arch, n_layer, n_embd);
    }

    llama_token prompt[256];
    int32_t n_prompt = llama_tokenize(vocab, PROMPT, (int32_t) strlen(PROMPT), prompt, 256, true, false);
    if (n_prompt <= 0) {
        die(EXIT_LLAMA, "could not tokenize the prompt (%d)", n_prompt);
    }
    if (n_prompt + tokens + 1 > 512 || n_prompt + WARMUP_TOKENS + speed_tokens + 1 > 512) {
        die(EXIT_BAD_INPUT, "--tokens %d / --speed-tokens %d do not fit the context of 512 after the %d-token prompt", tokens, speed_tokens, n_prompt);
    }
    fprintf(stderr, "gpu_check: %s: %s, %d blocks, n_embd %d, vocab %d; jump %s (level %d, rank %d); %d-token prompt, %d threads\n",
        name, arch, n_layer, n_embd, n_vocab, jump_path, j.level, j.rank, n_prompt, threads);

    struct hidden_result h = check_hidden(&ref, &dev, prompt, n_prompt, n_layer, n_embd, n_vocab);
    bool hidden_ok = h.max_rel <= tolerance;
    fprintf(stderr, "  hidden  max %.3e at block %d (tolerance %.3g), logits %.3e: %s\n", h.max_rel, h.block, tolerance, h.logits_rel,
        hidden_ok ? "ok" : "FAILED");

    struct exit_result e = check_exits(&ref, &dev, &j, prompt, n_prompt, n_layer, n_vocab, lambda, tokens, gpu ? max_tie : 0);
    bool exits_ok = e.same + e.near_ties == e.tokens && e.blocks_ok == e.tokens;
    fprintf(stderr, "  exits   λ %.3g: %d of %d identical (%d near ties), blocks computed = exit block + 1 for %d, %d exited before the last block, mean exit block %.2f: %s\n",
        lambda, e.same, e.tokens, e.near_ties, e.blocks_ok, e.exits_before_last, e.mean_exit, exits_ok ? "ok" : "FAILED");

    struct speed_result sp = { 0, 0, 0, n_layer / 2 - 1, 0 };
    if (speed_tokens > 0) {
        sp = check_speed(&dev, prompt, n_prompt, n_layer, n_vocab, speed_tokens, rounds);
    }
    bool speed_ok = sp.violations == 0;
    if (!speed_ok) {
        fprintf(stderr, "  speed   %d exit-mode tokens did not leave at block %d after %d blocks: FAILED\n", sp.violations, sp.exit_block, sp.exit_block + 1);
    }

    char blocks[32], hidden[48], logits[24], same[48], mean[16], full_tps[24], exit_tps[24], ratio[16];
    snprintf(blocks, sizeof blocks, "%dx%d", n_layer, n_embd);
    snprintf(hidden, sizeof hidden, "%.2e b%d (%.2g)", h.max_rel, h.block, tolerance);
    snprintf(logits, sizeof logits, "%.2e", h.logits_rel);
    if (e.near_ties > 0) {
        snprintf(same, sizeof same, "%d/%d+%dtie", e.same, e.tokens, e.near_ties);
    } else {
        snprintf(same, sizeof same, "%d/%d", e.same, e.tokens);
    }
    snprintf(mean, sizeof mean, "%.2f", e.mean_exit);
    snprintf(full_tps, sizeof full_tps, "-");
    snprintf(exit_tps, sizeof exit_tps, "-");
    snprintf(ratio, sizeof ratio, "-");
    if (speed_tokens > 0) {
        snprintf(full_tps, sizeof full_tps, "%.1f", sp.full_tps);
        snprintf(exit_tps, sizeof exit_tps, "%.1f", sp.exit_tps);
        snprintf(ratio, sizeof ratio, "%.3fx", sp.ratio);
    }
    char verdict[64];
    if (hidden_ok && exits_ok && speed_ok) {
        snprintf(verdict, sizeof verdict, "ok");
    } else {
        snprintf(verdict, sizeof verdict, "FAILED:%s%s%s", hidden_ok ? "" : " hidden", exits_ok ? "" : " exits", speed_ok ? "" : " exit-block");
    }
    printf(HEADER_FORMAT, name, gpu ? device_name : "cpu", blocks, hidden, logits, same, mean, full_tps, exit_tps, ratio, verdict);
    fflush(stdout);

    side_close(&dev);
    side_close(&ref);
    jump_free(&j);
    llama_backend_free();
    return hidden_ok && exits_ok && speed_ok ? 0 : EXIT_FAILED_CHECK;
}
