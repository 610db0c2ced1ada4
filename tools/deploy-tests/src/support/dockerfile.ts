import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';
import ignore from '@balena/dockerignore';
import { readRepoFile } from './workspace';

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export interface CopyInstruction {
  stage: string;
  from?: string;
  sources: string[];
  destination: string;
}

export function readDockerfile(path = 'docker/Dockerfile'): { text: string; args: Record<string, string>; stages: Stage[] } {
  const text = readRepoFile(path);
  const dockerfile = DockerfileParser.parse(text);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const values = instruction.getArguments().map((a) => a.getValue());
    if (keyword === 'FROM') {
      const as = values.findIndex((v) => v.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? values[as + 1] : String(stages.length), from: values[0], instructions: [] });
    } else if (stages.length === 0 && keyword === 'ARG') {
      const [name, value = ''] = values[0].split('=');
      args[name] = value;
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { text, args, stages };
}

export const instructionsOf = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.getKeyword() === keyword);

/** The argument words of an instruction (its flags excluded). */
export const words = (instruction: Instruction): string[] => instruction.getArguments().map((a) => a.getValue());

/** The exec-form (JSON array) command of ENTRYPOINT/CMD, or of HEALTHCHECK's CMD; throws on the shell form. */
export function execForm(instruction: Instruction): string[] {
  const raw = instruction.getRawArgumentsContent() ?? '';
  const match = /^(?:CMD\s+)?(\[.*\])\s*$/s.exec(raw.trim());
  if (!match) throw new Error(`${instruction.getKeyword()} is not in exec (JSON array) form: ${raw}`);
  return JSON.parse(match[1]) as string[];
}

export function copies(stage: Stage): CopyInstruction[] {
  return instructionsOf(stage, 'COPY').map((instruction) => {
    const flags = (instruction as ModifiableInstruction).getFlags();
    const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined;
    const args = words(instruction);
    return { stage: stage.name, from, sources: args.slice(0, -1), destination: args[args.length - 1] };
  });
}

/** The build context filter: docker/Dockerfile is built with the repository root as context. */
export function dockerignore(): { ignores(path: string): boolean } {
  return ignore().add(readRepoFile('.dockerignore'));
}
