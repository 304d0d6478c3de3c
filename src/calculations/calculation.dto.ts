import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsMonth, IsSignedOre } from '../platform/validators.js';

export class AdjustmentDto {
  @ApiProperty({ description: 'Whole öre, + adds to the bistånd, − takes away', example: -50000 }) @IsSignedOre() amount!: number;
  // An empty or missing reason is a broken rule (422, adjustment_needs_reason), not malformed input.
  @ApiProperty({ description: 'Why the amount is adjusted (required by the rules)', example: 'Avdrag för dubbel ersättning i november', maxLength: 1000 })
  @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class MakeCalculationDto {
  @ApiProperty({ description: 'The month to calculate, YYYY-MM; needs a complete application', example: '2026-12' }) @IsMonth() month!: string;
  @ApiPropertyOptional({ type: [AdjustmentDto], description: 'Manual adjustment lines, each with its reason' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => AdjustmentDto) adjustments?: AdjustmentDto[];
  @ApiPropertyOptional({ description: 'For a case migrated from another system: consecutive months on support before its history here', example: 4, minimum: 0, maximum: 600 })
  @IsOptional() @IsInt() @Min(0) @Max(600) priorConsecutiveMonths?: number;
}
