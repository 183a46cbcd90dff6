using System;

namespace CoupleGen.Training;

/// <summary>What <see cref="Pix2PixTrainer.Train"/> reports after each step.</summary>
/// <param name="Step">Completed optimisation steps since the start of the run (including resumed ones).</param>
/// <param name="TotalSteps">The steps the run will make in all.</param>
/// <param name="Epoch">The epoch of this step, from 1.</param>
/// <param name="TotalEpochs">The epochs the run will make in all.</param>
/// <param name="Losses">The losses of this step.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="Elapsed">Time spent training in this call.</param>
/// <param name="StepsPerSecond">Steps per second in this call.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, int TotalEpochs, TrainingStepLosses Losses, double LearningRate, TimeSpan Elapsed, double StepsPerSecond);
