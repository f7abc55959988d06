package com.example.app;

import com.example.app.probes.Probe;
import java.util.List;

/**
 * A backing service the app needs before it can take traffic.
 *
 * @param name shown in /readyz and in logs, e.g. "postgres"
 * @param env the environment variable holding its connection URL, e.g. "DATABASE_URL"
 * @param schemes URL schemes the probe understands, without "://"
 * @param probe checks that the service answers
 */
public record Dependency(String name, String env, List<String> schemes, Probe probe) {}
