using System;
using System.IO;
using CoupleGen.Errors;
using CoupleGen.Losses;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <content>Writing the whole training state and resuming from it exactly.</content>
public sealed partial class Pix2PixTrainer
{
    /// <summary>Continues a run from a checkpoint written by <see cref="SaveCheckpoint"/> or by <see cref="Train"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="configure">Changes to the stored options (e.g. more epochs, a new checkpoint path); <see langword="null"/> for none. The architecture must stay the same.</param>
    /// <param name="device">The device to continue on; <see langword="null"/> for CUDA when available, else the CPU.</param>
    /// <param name="logger">Receives progress lines; <see langword="null"/> for none.</param>
    /// <param name="perceptualLoss">The perceptual loss, when the run uses one (VGG weights are not stored in checkpoints).</param>
    /// <returns>A trainer whose next step is the one after the checkpoint's.</returns>
    /// <exception cref="CheckpointException">The file is missing, corrupt, not a checkpoint, or does not fit its own options.</exception>
    public static Pix2PixTrainer Resume(string path, Func<Pix2PixOptions, Pix2PixOptions>? configure = null, Device? device = null, ILogger? logger = null, PerceptualLoss? perceptualLoss = null)
    {
        var (zip, manifest) = Checkpoint.Open(path);
        using (zip)
        {
            if (manifest.Kind == Checkpoint.GeneratorKind)
            {
                throw new CheckpointException(path, "it is a generator-only model file (an export): it generates, but training resumes only from the checkpoint it came from.");
            }

            Pix2PixOptions options = manifest.Options with { Device = device };
            if (configure is not null)
            {
                options = configure(options);
                if (options.Generator != manifest.Options.Generator || options.Discriminator != manifest.Options.Discriminator)
                {
                    throw new ArgumentException("Resuming cannot change the generator or discriminator architecture.", nameof(configure));
                }
            }

            var trainer = new Pix2PixTrainer(options, logger, manifest.Seed, perceptualLoss);
            try
            {
                trainer.Restore(path, zip, manifest);
            }
            catch
            {
                trainer.Dispose();
                throw;
            }

            Log.Resumed(trainer.logger, path, trainer.Step);
            return trainer;
        }
    }

    /// <summary>Writes the whole training state (networks, optimizers, step, seed, options, random state) atomically.</summary>
    /// <param name="path">The checkpoint file; its folder is created if missing. An existing file is replaced only once the new one is complete.</param>
    /// <exception cref="IOException">The file cannot be written; an existing checkpoint at <paramref name="path"/> is left intact.</exception>
    public void SaveCheckpoint(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var manifest = new Checkpoint.Manifest(Checkpoint.FormatVersion, Checkpoint.TrainingKind, Step, Seed, Options, DateTimeOffset.UtcNow, typeof(Pix2PixTrainer).Assembly.GetName().Version?.ToString() ?? "0");
        Checkpoint.WriteAtomically(path, zip =>
        {
            Checkpoint.WriteManifest(zip, manifest);
            Checkpoint.WriteStateDict(zip, Checkpoint.GeneratorEntry, Generator);
            Checkpoint.WriteStateDict(zip, Checkpoint.DiscriminatorEntry, Discriminator);
            Checkpoint.WriteEntry(zip, Checkpoint.GeneratorOptimizerEntry, generatorOptimizer.Save);
            Checkpoint.WriteEntry(zip, Checkpoint.DiscriminatorOptimizerEntry, discriminatorOptimizer.Save);
            Checkpoint.WriteEntry(zip, Checkpoint.RandomStateEntry, s =>
            {
                using Tensor state = torch.get_rng_state();
                s.Write(state.bytes);
            });
        });
        Log.CheckpointWritten(logger, path, Step);
    }

    private void Restore(string path, System.IO.Compression.ZipArchive zip, Checkpoint.Manifest manifest)
    {
        if (manifest.Format < Checkpoint.FormatVersion)
        {
            throw new CheckpointException(path, $"it has format version {manifest.Format}, whose optimizer state (TorchSharp's Adam) this CoupleGen cannot resume; generate from it, or start a new run from its weights.");
        }

        Checkpoint.LoadStateDict(path, zip, Checkpoint.GeneratorEntry, Generator);
        Checkpoint.LoadStateDict(path, zip, Checkpoint.DiscriminatorEntry, Discriminator);
        Checkpoint.ReadEntry(path, zip, Checkpoint.GeneratorOptimizerEntry, (s, _) =>
        {
            generatorOptimizer.Load(s, path);
            return true;
        });
        Checkpoint.ReadEntry(path, zip, Checkpoint.DiscriminatorOptimizerEntry, (s, _) =>
        {
            discriminatorOptimizer.Load(s, path);
            return true;
        });
        Checkpoint.ReadEntry(path, zip, Checkpoint.RandomStateEntry, (s, length) =>
        {
            using Tensor state = torch.get_rng_state();
            if (length != state.bytes.Length)
            {
                throw new CheckpointException(path, $"the random state has {length} bytes, libtorch's has {state.bytes.Length}.");
            }

            var buffer = new MemoryStream();
            s.CopyTo(buffer);
            state.bytes = buffer.ToArray();
            torch.set_rng_state(state);
            return true;
        });
        Step = manifest.Step;
    }

    private void WriteCheckpointIfConfigured()
    {
        if (Options.CheckpointPath is { } path)
        {
            SaveCheckpoint(path);
        }
    }
}
