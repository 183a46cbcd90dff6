using System;
using System.IO;

namespace CoupleGen.Training.Optimizers;

/// <summary>What the trainer needs of an optimizer: a step, a learning rate, and a state that survives a checkpoint.</summary>
internal interface IStepOptimizer : IDisposable
{
    double LearningRate { get; set; }

    void ZeroGrad();

    void Step();

    void Save(Stream stream);

    void Load(Stream stream, string checkpointPath);
}
