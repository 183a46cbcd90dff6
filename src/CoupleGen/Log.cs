using System;
using Microsoft.Extensions.Logging;

namespace CoupleGen;

/// <summary>Every log line CoupleGen writes, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "libtorch {Version} ready (CUDA available: {CudaAvailable}, glibc malloc tuned: {MallocTuned}, JPEG decoder: {JpegDecoder})")]
    public static partial void RuntimeReady(ILogger logger, string version, bool cudaAvailable, bool mallocTuned, string jpegDecoder);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Training on {Device}: {Pairs} pairs, batch {BatchSize}, {StepsPerEpoch} steps/epoch, {TotalSteps} steps, seed {Seed}")]
    public static partial void TrainingStarted(ILogger logger, string device, int pairs, int batchSize, int stepsPerEpoch, long totalSteps, int seed);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Step {Step}/{TotalSteps} epoch {Epoch}: D {DiscriminatorLoss:F4}, G GAN {GeneratorGanLoss:F4}, G L1 {GeneratorL1Loss:F4}, lr {LearningRate:G4}, {StepsPerSecond:F2} steps/s")]
    public static partial void TrainingStep(ILogger logger, long step, long totalSteps, int epoch, double discriminatorLoss, double generatorGanLoss, double generatorL1Loss, double learningRate, double stepsPerSecond);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Checkpoint written to {Path} at step {Step}")]
    public static partial void CheckpointWritten(ILogger logger, string path, long step);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Resumed from {Path} at step {Step}")]
    public static partial void Resumed(ILogger logger, string path, long step);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Training cancelled at step {Step}")]
    public static partial void TrainingCancelled(ILogger logger, long step);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Training finished at step {Step} in {Elapsed}")]
    public static partial void TrainingFinished(ILogger logger, long step, TimeSpan elapsed);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Skipped unreadable pair {Path}: {Reason}")]
    public static partial void PairSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "These convolutions train with a replacement kernel because the one preferred for them failed the check at their shape: {Layers}")]
    public static partial void ConvolutionKernelsReplaced(ILogger logger, string layers);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Partner generator ready: {ImageSize}x{ImageSize} on {Device} in {Precision}, from {Source}")]
    public static partial void GeneratorReady(ILogger logger, int imageSize, string device, string precision, string source);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Some convolutions keep their modules instead of prepacked weights ({Reason}); they are slower at batch 1")]
    public static partial void PrepackingRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "libLibTorchSharp.so's GLIBCXX_3.4.32 requirement (this system's libstdc++ lacks it): {Outcome}")]
    public static partial void LibTorchSharpFixed(ILogger logger, string outcome);
}
