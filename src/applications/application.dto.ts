import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IsLocalDate, IsMonth, IsOre } from '../platform/validators.js';
import { INCOME_KINDS, type IncomeKind } from '../rules/income-kinds.js';
import { COST_KINDS, type CostKind } from '../rules/reasonable-costs.js';

export const COST_KIND_LIST = Object.keys(COST_KINDS) as CostKind[];
export const INCOME_KIND_LIST = Object.keys(INCOME_KINDS) as IncomeKind[];
export const MEMBER_ID = /^[A-Za-z0-9_-]{1,40}$/;

export class CostDto {
  @ApiProperty({ enum: COST_KIND_LIST, example: 'housing' }) @IsIn(COST_KIND_LIST) kind!: CostKind;
  @ApiProperty({ description: 'Claimed amount for the month, whole öre', example: 850000 }) @IsOre() amount!: number;
  @ApiPropertyOptional({ example: 'Hyra enligt avi', maxLength: 500 }) @IsOptional() @IsString() @Length(1, 500) note?: string;
}

export class IncomeDto {
  @ApiProperty({ enum: INCOME_KIND_LIST, example: 'wages' }) @IsIn(INCOME_KIND_LIST) kind!: IncomeKind;
  @ApiProperty({ description: 'Amount for the month, whole öre', example: 500000 }) @IsOre() amount!: number;
  @ApiPropertyOptional({ description: 'Income from work (base for jobbstimulans); defaults to what the kind says' }) @IsOptional() @IsBoolean() earned?: boolean;
  @ApiPropertyOptional({ description: 'The household member the income belongs to', example: 'm1' }) @IsOptional() @IsString() @Matches(MEMBER_ID) memberId?: string;
}

export class SubmitApplicationDto {
  @ApiProperty({ description: 'The month applied for, YYYY-MM', example: '2026-12' }) @IsMonth() month!: string;
  @ApiPropertyOptional({ description: 'The day the application came in; defaults to today (Europe/Stockholm)', example: '2026-11-20' })
  @IsOptional() @IsLocalDate() submittedOn?: string;
  @ApiProperty({ type: [CostDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => CostDto) costs!: CostDto[];
  @ApiProperty({ type: [IncomeDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => IncomeDto) incomes!: IncomeDto[];
  @ApiProperty({ type: [String], description: 'Documents handed in (names or document references)', example: ['hyresavi december'] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) attachments!: string[];
  @ApiProperty({ type: [String], description: 'memberIds of those who signed: the applicant and, if any, the co-applicant', example: ['m1', 'm2'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @IsString({ each: true }) @Matches(MEMBER_ID, { each: true }) signedBy!: string[];
}

export class RequestCompletionDto {
  @ApiProperty({ type: [String], description: 'What is missing, one item per line', example: ['lönespecifikation november'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 500, { each: true }) missing!: string[];
  @ApiProperty({ description: 'Last day to hand it in; after today', example: '2026-12-01' }) @IsLocalDate() dueDate!: string;
}

export class ReceiveCompletionDto {
  @ApiPropertyOptional({ description: 'The day it came in; defaults to today (Europe/Stockholm)', example: '2026-11-23' }) @IsOptional() @IsLocalDate() receivedOn?: string;
  @ApiProperty({ type: [String], description: 'What was supplied', example: ['lönespecifikation november'] })
  @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @Length(1, 500, { each: true }) supplied!: string[];
  @ApiProperty({ type: [String], description: 'Documents handed in', example: ['lonespec-nov.pdf'] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) attachments!: string[];
}

export class WithdrawApplicationDto {
  @ApiProperty({ example: 'Har fått arbete från den 1 december.', maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;
}
