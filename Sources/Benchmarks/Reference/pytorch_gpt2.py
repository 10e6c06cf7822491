"""The PyTorch reference for `collapse bench --reference`: the same GPT-2 model, data and
training recipe as ours, in PyTorch and Hugging Face transformers, measured on the same machine.

Blocks come as raw little-endian int32 files of 64-token blocks (written by the Swift bench).
Each block b is read as <s> b[0..62] and predicts b[0..63] (our block convention; <s> = id 1).
Prints one JSON object with the figures of the requested mode.
"""
import argparse, json, math, os, sys, time

import numpy as np
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

BOS = 1


def load_blocks(path, length):
    ids = np.fromfile(path, dtype="<i4")
    return torch.from_numpy(ids.reshape(-1, length).astype(np.int64))


def inputs_targets(blocks):
    bos = torch.full((blocks.shape[0], 1), BOS, dtype=torch.long)
    return torch.cat([bos, blocks[:, :-1]], dim=1), blocks


def make_model(args):
    config = GPT2Config(vocab_size=args.vocab_size, n_positions=args.context, n_embd=args.width, n_layer=args.layers,
                        n_head=args.heads, activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        tie_word_embeddings=True, bos_token_id=None, eos_token_id=None)
    torch.manual_seed(args.seed)
    return GPT2LMHeadModel(config)


def make_optimizer(model, args):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=args.learning_rate, betas=(0.9, 0.95), eps=1e-8)


def rate(step, args, total):
    """Linear warm-up, then cosine to floor x peak at the last step (as ours)."""
    if step < args.warmup_steps:
        return args.learning_rate * (step + 1) / args.warmup_steps
    floor = args.learning_rate * args.floor_ratio
    progress = min(1.0, (step - args.warmup_steps) / max(1, total - 1 - args.warmup_steps))
    return floor + (args.learning_rate - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def train_step(model, optimizer, inputs, targets, lr, clip):
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits = model(input_ids=inputs).logits
    loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item()


@torch.no_grad()
def perplexities(model, blocks, batch):
    """Pooled perplexity: every token (block convention) and tokens 2.. only (in-block)."""
    model.eval()
    total, total_in_block, count, count_in_block = 0.0, 0.0, 0, 0
    for start in range(0, blocks.shape[0], batch):
        inputs, targets = inputs_targets(blocks[start:start + batch])
        logits = model(input_ids=inputs).logits
        losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none").view(targets.shape)
        total += losses.sum().item()
        count += losses.numel()
        total_in_block += losses[:, 1:].sum().item()
        count_in_block += losses[:, 1:].numel()
    model.train()
    return math.exp(total / count), math.exp(total_in_block / count_in_block)


def speed(args):
    train = load_blocks(args.train, args.length)
    model = make_model(args)
    optimizer = make_optimizer(model, args)
    generator = torch.Generator().manual_seed(args.seed)
    order = torch.randperm(train.shape[0], generator=generator)
    def batch(i):
        rows = order[(i * args.batch) % (train.shape[0] - args.batch):][:args.batch]
        return inputs_targets(train[rows])
    for i in range(args.warmup):
        train_step(model, optimizer, *batch(i), args.learning_rate, args.clip)
    best = math.inf
    for _ in range(args.repeats):
        start = time.perf_counter()
        for i in range(args.steps):
            train_step(model, optimizer, *batch(i), args.learning_rate, args.clip)
        best = min(best, time.perf_counter() - start)
    training = args.steps * args.batch * args.length / best
    # Scoring: per-sequence losses of batches of 64 blocks, no gradient.
    model.eval()
    score_batch = 64
    blocks = train[:score_batch * args.score_batches]
    with torch.no_grad():
        inputs, targets = inputs_targets(blocks[:score_batch])
        model(input_ids=inputs)
        best_score = math.inf
        for _ in range(args.repeats):
            start = time.perf_counter()
            for s in range(0, blocks.shape[0], score_batch):
                inputs, targets = inputs_targets(blocks[s:s + score_batch])
                logits = model(input_ids=inputs).logits
                F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none").view(targets.shape).sum(1)
            best_score = min(best_score, time.perf_counter() - start)
    return {"training_tokens_per_second": training, "scoring_sequences_per_second": blocks.shape[0] / best_score,
            "threads": torch.get_num_threads(), "torch": torch.__version__}


def quality(args):
    """Trains for a wall-clock budget (or a number of steps) as ours does; validation perplexity
    at intervals, test perplexity at the end."""
    train, valid, test = (load_blocks(p, args.length) for p in (args.train, args.valid, args.test))
    # --checkpoint and --order: start from our initial weights and visit the blocks in our order.
    model = make_model(args) if not args.checkpoint else \
        GPT2LMHeadModel.from_pretrained(args.checkpoint, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model.train()
    orders = torch.from_numpy(np.fromfile(args.order, dtype="<i4").astype(np.int64)).view(-1, train.shape[0]) if args.order else None
    optimizer = make_optimizer(model, args)
    steps_per_epoch = train.shape[0] // args.batch
    total = args.total_steps or 10 ** 9
    generator = torch.Generator().manual_seed(args.seed)
    history, step, start, training_seconds = [], 0, time.perf_counter(), 0.0
    while step < total:
        if step % steps_per_epoch == 0:
            epoch = step // steps_per_epoch
            order = orders[epoch] if orders is not None else torch.randperm(train.shape[0], generator=generator)
        position = step % steps_per_epoch
        rows = order[position * args.batch:(position + 1) * args.batch]
        began = time.perf_counter()
        loss = train_step(model, optimizer, *inputs_targets(train[rows]), rate(step, args, total), args.clip)
        training_seconds += time.perf_counter() - began
        step += 1
        if step == 20 and args.seconds and not args.total_steps:
            total = max(step, int(args.seconds * step / training_seconds))
        time_up = args.seconds is not None and time.perf_counter() - start >= args.seconds
        if step % args.evaluate_every == 0 or step == total or time_up:
            block, _ = perplexities(model, valid, args.batch)
            history.append({"step": step, "tokens": step * args.batch * args.length, "seconds": time.perf_counter() - start,
                            "training_seconds": training_seconds, "training_loss": loss, "validation_perplexity": block})
            print(json.dumps(history[-1]), file=sys.stderr, flush=True)
        if time_up:
            break
    test_block, test_in_block = perplexities(model, test, args.batch)
    return {"steps": step, "tokens": step * args.batch * args.length, "seconds": time.perf_counter() - start,
            "training_seconds": training_seconds, "test_perplexity": test_block, "test_perplexity_in_block": test_in_block,
            "history": history}


def score_checkpoint(args):
    """Loads one of our checkpoints with transformers and scores the test blocks."""
    model = GPT2LMHeadModel.from_pretrained(args.checkpoint)
    test = load_blocks(args.test, args.length)
    block, in_block = perplexities(model, test, args.batch)
    return {"test_perplexity": block, "test_perplexity_in_block": in_block}


def parity(args):
    """Runs --steps optimizer steps from one of our checkpoints on the given batches, in order, and
    compares the weights with ours after the same steps (--out): the largest difference per tensor."""
    from safetensors.numpy import load_file
    model = GPT2LMHeadModel.from_pretrained(args.checkpoint, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model.train()
    batches = load_blocks(args.train, args.length).view(args.steps, -1, args.length)
    optimizer = make_optimizer(model, args)
    losses = [train_step(model, optimizer, *inputs_targets(batches[step]), rate(step, args, args.steps), args.clip)
              for step in range(args.steps)]
    ours, state = load_file(args.out), model.state_dict()
    differences = {name: np.abs(state[name].numpy() - values) for name, values in ours.items()}
    worst = max(differences, key=lambda name: differences[name].max())
    return {"losses": losses, "largest_difference": float(differences[worst].max()), "tensor": worst,
            "mean_difference": float(sum(d.sum() for d in differences.values()) / sum(d.size for d in differences.values())),
            "largest_weight": max(float(np.abs(values).max()) for values in ours.values())}


def generate(args):
    """Hugging Face `generate` on one of our checkpoints: 5-beam search with the repetition
    penalty on log-probabilities, <s> fed first, <s> and </s> never generated (as ours). Writes
    each prompt's best continuation as raw int32 to --out; prints blocks/s."""
    model = GPT2LMHeadModel.from_pretrained(args.checkpoint)
    model.eval()
    prompts = load_blocks(args.prompts, args.length)[:args.limit or None]
    bos = torch.full((prompts.shape[0], 1), BOS, dtype=torch.long)
    inputs = torch.cat([bos, prompts], dim=1)
    settings = dict(num_beams=args.beams, max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens,
                    repetition_penalty=args.penalty, do_sample=False, early_stopping=False, eos_token_id=None, pad_token_id=0,
                    suppress_tokens=[BOS, BOS + 1])
    outputs = []
    with torch.no_grad():
        model.generate(input_ids=inputs[:1], attention_mask=torch.ones_like(inputs[:1]), **dict(settings, max_new_tokens=2, min_new_tokens=2))
        start = time.perf_counter()
        for first in range(0, inputs.shape[0], args.batch):
            rows = inputs[first:first + args.batch]
            result = model.generate(input_ids=rows, attention_mask=torch.ones_like(rows), **settings)
            outputs.append(result[:, inputs.shape[1]:])
        seconds = time.perf_counter() - start
    torch.cat(outputs).to(torch.int32).numpy().astype("<i4").tofile(args.out)
    return {"blocks": inputs.shape[0], "seconds": seconds, "blocks_per_second": inputs.shape[0] / seconds,
            "threads": torch.get_num_threads(), "torch": torch.__version__}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["speed", "quality", "score-checkpoint", "generate", "parity"])
    for name, default in [("layers", 2), ("width", 128), ("heads", 2), ("context", 128), ("vocab-size", 0), ("batch", 32),
                          ("length", 64), ("warmup-steps", 50), ("seed", 1), ("threads", 2), ("warmup", 3), ("steps", 10),
                          ("repeats", 3), ("score-batches", 8), ("evaluate-every", 100), ("total-steps", 0), ("beams", 5),
                          ("new-tokens", 64), ("limit", 0)]:
        parser.add_argument("--" + name, type=int, default=default)
    for name, default in [("learning-rate", 3e-3), ("floor-ratio", 0.1), ("weight-decay", 0.1), ("clip", 1.0), ("penalty", 3.0)]:
        parser.add_argument("--" + name, type=float, default=default)
    parser.add_argument("--seconds", type=float)
    for name in ["train", "valid", "test", "checkpoint", "prompts", "out", "order"]:
        parser.add_argument("--" + name)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {"speed": speed, "quality": quality, "score-checkpoint": score_checkpoint, "generate": generate, "parity": parity}[args.mode](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
