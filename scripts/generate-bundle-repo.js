#!/usr/bin/env node
// Writes a generated pipelines repository for measuring `bundle:check` at scale: the target-state
// fixture (its generated targets.yml and deploy workflows) with RESOURCES resource files (alternately
// a job with two tasks and a pipeline with two libraries, each naming ${var.catalog_name}) and
// NOTEBOOKS notebooks of ~60 lines that take their catalog from a parameter, each run by several
// resources. It passes the check against the default model with the fixture outputs.
// Usage: node scripts/generate-bundle-repo.js RESOURCES NOTEBOOKS DIR   (DIR must not exist)
"use strict";
const fs = require("fs");
const path = require("path");

const FIXTURE = path.join(__dirname, "..", "__tests__", "fixtures", "bundles", "target-state");

function notebook(i) {
  const lines = ["# Databricks notebook source", `# Generated notebook ${i}: its catalog comes from the job or pipeline that runs it.`, "import dlt", "from pyspark.sql import functions as F", ""];
  lines.push('catalog = spark.conf.get("catalog")', 'schema = spark.conf.get("schema", "bronze")', "");
  for (let t = 0; t < 8; t++) {
    lines.push("# COMMAND ----------", "", `@dlt.table(name="table_${i}_${t}", comment="step ${t} of notebook ${i}")`, `def table_${i}_${t}():`);
    lines.push(`    df = spark.read.table(f"{catalog}.{schema}.source_${t}")`, `    return df.withColumn("step", F.lit(${t})).filter(F.col("id") > ${t})`, "");
  }
  return `${lines.join("\n")}\n`;
}

function job(i, notebooks) {
  const a = i % notebooks;
  const b = (i * 7 + 3) % notebooks;
  return [
    "resources:",
    "  jobs:",
    `    job_${i}:`,
    `      name: job-${i}-\${var.environment}`,
    "      parameters:",
    "        - name: catalog",
    "          default: ${var.catalog_name}",
    "      tasks:",
    "        - task_key: first",
    "          notebook_task:",
    `            notebook_path: ../../src/nb_${a}.py`,
    "        - task_key: second",
    "          depends_on: [{task_key: first}]",
    "          notebook_task:",
    `            notebook_path: ../../src/nb_${b}.py`,
    "",
  ].join("\n");
}

function pipeline(i, notebooks) {
  const a = i % notebooks;
  const b = (i * 11 + 5) % notebooks;
  return [
    "resources:",
    "  pipelines:",
    `    pipeline_${i}:`,
    `      name: pipeline-${i}-\${var.environment}`,
    "      catalog: ${var.catalog_name}",
    "      schema: bronze",
    "      serverless: true",
    "      libraries:",
    "        - notebook:",
    `            path: ../../src/nb_${a}.py`,
    "        - notebook:",
    `            path: ../../src/nb_${b}.py`,
    "      configuration:",
    "        catalog: ${var.catalog_name}",
    `        source: \${var.catalog_name}.bronze.source_${i}`,
    "",
  ].join("\n");
}

function generateBundleRepo(resources, notebooks, dir) {
  if (fs.existsSync(dir)) throw new Error(`${dir} exists; pass a new directory`);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.rmSync(path.join(dir, "resources"), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "resources", "jobs"), { recursive: true });
  fs.mkdirSync(path.join(dir, "resources", "pipelines"), { recursive: true });
  fs.mkdirSync(path.join(dir, "src"), { recursive: true });
  for (let i = 0; i < notebooks; i++) fs.writeFileSync(path.join(dir, "src", `nb_${i}.py`), notebook(i));
  for (let i = 0; i < resources; i++) {
    if (i % 2 === 0) fs.writeFileSync(path.join(dir, "resources", "jobs", `job_${i}.job.yml`), job(i, notebooks));
    else fs.writeFileSync(path.join(dir, "resources", "pipelines", `pipeline_${i}.pipeline.yml`), pipeline(i, notebooks));
  }
  return dir;
}

module.exports = { generateBundleRepo };

if (require.main === module) {
  const [resources, notebooks, dir] = process.argv.slice(2);
  if (!/^\d+$/.test(resources ?? "") || !/^[1-9]\d*$/.test(notebooks ?? "") || !dir) {
    process.stderr.write("usage: node scripts/generate-bundle-repo.js RESOURCES NOTEBOOKS DIR\n");
    process.exit(2);
  }
  generateBundleRepo(Number(resources), Number(notebooks), dir);
}
