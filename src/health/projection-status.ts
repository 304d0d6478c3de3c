import { Injectable } from '@nestjs/common';

export interface ProjectionStatus {
  readonly name: string;
  checkpoint(): number;
}

/** Read models register here so /health can show each one's checkpoint and lag behind the log. */
@Injectable()
export class ProjectionStatusRegistry {
  private readonly items = new Map<string, ProjectionStatus>();
  register(status: ProjectionStatus): void {
    this.items.set(status.name, status);
  }
  list(): ProjectionStatus[] {
    return [...this.items.values()];
  }
}
