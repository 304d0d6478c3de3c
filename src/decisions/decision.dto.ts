import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsLocalDate, IsMonth, IsOre } from '../platform/validators.js';
import {
  COMMUNICATION_CHANNELS,
  DECISION_OUTCOMES,
  DISADVANTAGE_GROUNDS,
  MISS_CONSEQUENCES,
  RECONSIDERATION_GROUNDS,
  type CommunicationChannel,
  type DecisionOutcome,
  type DisadvantageGround,
  type MissConsequence,
  type ReconsiderationGrounds,
} from './decision.events.js';

/** A law code from src/rules/law-references.ts, e.g. 'SoL-12-1'. */
export const LAW_CODE = /^[A-Za-z0-9-]{1,60}$/;
const LAW_CODE_MESSAGE = 'must be a law code such as SoL-12-1 (letters, digits, dashes)';

export class DecisionPeriodDto {
  @ApiProperty({ example: '2026-12-01' }) @IsLocalDate() from!: string;
  @ApiProperty({ example: '2026-12-31' }) @IsLocalDate() to!: string;
}

export class AutomationDto {
  @ApiProperty({ example: 'fortsattningsansokan-v3', description: 'The rule set version that decided (förvaltningslagen 28 §)' })
  @IsString() @Length(1, 100) ruleVersion!: string;
  @ApiProperty({ type: [String], example: ['Oförändrade inkomster och utgifter sedan förra månaden'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 1000, { each: true }) reasons!: string[];
}

export class MissConsiderationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() missId!: string;
  @ApiProperty({ enum: MISS_CONSEQUENCES }) @IsIn(MISS_CONSEQUENCES) consequence!: MissConsequence;
  @ApiPropertyOptional({ description: 'öre, for a reduction', example: 200000 }) @IsOptional() @IsOre() reductionAmount?: number;
  @ApiProperty({ example: 'SoL-aktivitetskrav' }) @IsString() @Matches(LAW_CODE, { message: `legalReference ${LAW_CODE_MESSAGE}` }) legalReference!: string;
}

/** What a decision says; shared by a first decision and an omprövning. */
export class DecisionContentDto {
  @ApiProperty({ enum: DECISION_OUTCOMES }) @IsIn(DECISION_OUTCOMES) outcome!: DecisionOutcome;
  @ApiProperty({ description: 'öre; 0 for a refusal', example: 1200000 }) @IsOre() amount!: number;
  @ApiProperty({ type: DecisionPeriodDto }) @ValidateNested() @Type(() => DecisionPeriodDto) period!: DecisionPeriodDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'The calculation looked at; refused if a newer one exists' }) @IsOptional() @IsUUID() calculationId?: string;
  @ApiProperty({ description: 'The reasons (förvaltningslagen 32 §); missing or blank → 422', maxLength: 20000 })
  @IsOptional() @IsString() @MaxLength(20000) motivering?: string;
  @ApiProperty({ type: [String], example: ['SoL-12-1'], description: 'Law codes, resolved to the wording in force on the decision date' })
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Matches(LAW_CODE, { each: true, message: `each legalReferences entry ${LAW_CODE_MESSAGE}` }) legalReferences!: string[];
  @ApiProperty({ example: 'DO 4.1.1', description: 'The delegation point the decider acts under' })
  @IsString() @Matches(/^[\p{L}\p{N} .:§()_/-]{1,100}$/u, { message: 'delegation must be 1–100 letters, digits, spaces or . : § ( ) _ / -' }) delegation!: string;
  @ApiPropertyOptional({ type: AutomationDto }) @IsOptional() @ValidateNested() @Type(() => AutomationDto) automation?: AutomationDto;
  @ApiPropertyOptional({ type: [MissConsiderationDto], description: 'Every unexcused activity miss since the last decision' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => MissConsiderationDto) considersMisses?: MissConsiderationDto[];
}

export class MakeDecisionDto extends DecisionContentDto {
  @ApiProperty({ example: '2026-12' }) @IsMonth() month!: string;
}

export class CommunicateDecisionDto {
  @ApiProperty({ example: '2026-12-03', description: 'The day the client learned of the decision (delgivning/kännedom)' }) @IsLocalDate() learnedOn!: string;
  @ApiProperty({ enum: COMMUNICATION_CHANNELS }) @IsIn(COMMUNICATION_CHANNELS) channel!: CommunicationChannel;
}

export class AppealDto {
  @ApiProperty({ example: '2026-12-28', description: 'The day the appeal reached the nämnd' }) @IsLocalDate() receivedOn!: string;
}

export class ReconsiderDecisionDto extends DecisionContentDto {
  @ApiProperty({ enum: RECONSIDERATION_GROUNDS }) @IsIn(RECONSIDERATION_GROUNDS) grounds!: ReconsiderationGrounds;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() appealId?: string;
  @ApiPropertyOptional({ enum: DISADVANTAGE_GROUNDS, description: 'Required when the new decision is worse for the client (förvaltningslagen 38 §)' })
  @IsOptional() @IsIn(DISADVANTAGE_GROUNDS) disadvantageGround?: DisadvantageGround;
}
